"""The assessment service over real HTTP: identity from the token, one submission, trainer scope.

The hub's token check is replaced by a table of tokens (a HubAuth whose `user_for_token`
answers from it); everything else — tornado, the handlers, the client, the store — is the
real code. tests/test_hub.py runs the same service under a real JupyterHub.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request

import pytest
from jupyterhub.services.auth import HubAuth

from sets_courseware.assessment import AssessmentService
from sets_courseware.client import ServiceClient, ServiceUnavailableError
from sets_courseware.content import banks, load_keys
from sets_courseware.errors import AttemptError, SetsError, UnknownIdError
from sets_courseware.service import SERVICE_NAME, check_private, make_app
from sets_courseware.settings import get_settings
from sets_courseware.store import Store

ACCESS = f"access:services!service={SERVICE_NAME}"
USERS = {
    "tok-ana": {"kind": "user", "name": "ana", "scopes": [ACCESS]},
    "tok-bo": {"kind": "user", "name": "bo", "scopes": [ACCESS]},
    "tok-tom": {"kind": "user", "name": "tom", "scopes": [ACCESS, "custom:sets-cohort"]},
    "tok-noscope": {"kind": "user", "name": "eve", "scopes": ["read:users:name!user=eve"]},
}


class TokenTable(HubAuth):
    """HubAuth answering from a fixed table instead of asking a hub."""

    def user_for_token(self, token, use_cache=True, session_id="", *, sync=True):
        model = USERS.get(token)
        if sync:
            return model

        async def answer():
            return model
        return answer()


class Server:
    def __init__(self, store: Store):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.store = store
        self.url = f"http://127.0.0.1:{self.port}/services/{SERVICE_NAME}/"
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self._ready.wait(10)

    def _run(self):
        from tornado.httpserver import HTTPServer
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        auth = TokenTable(api_token="unused", api_url="http://127.0.0.1:9/hub/api")
        keys_dir = get_settings().keys_dir  # fixed now: the page's env changes below must not reach it
        self.http = HTTPServer(make_app(AssessmentService(self.store, keys=lambda: load_keys(keys_dir)), auth))
        self.http.listen(self.port, "127.0.0.1")
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()

    def stop(self):
        async def shut():
            self.http.stop()
        asyncio.run_coroutine_threadsafe(shut(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def served(mini):
    store = Store(f"sqlite:///{mini / 'service.sqlite'}")
    server = Server(store)
    yield server
    server.stop()


def raw(server, method, path, token=None, body: bytes | None = None):
    req = urllib.request.Request(server.url + path, data=body, method=method)
    if token:
        req.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_no_token_forged_token_and_token_without_scope_are_refused(served):
    assert raw(served, "GET", "api/attempts/3/initial")[0] == 401
    assert raw(served, "GET", "api/attempts/3/initial", token="forged")[0] == 403
    status, body = raw(served, "GET", "api/attempts/3/initial", token="tok-noscope")
    assert status == 403 and b"does not grant access" in body


def test_learner_takes_the_assessment_once_and_identity_comes_from_the_token(served):
    keys = load_keys()
    ana = ServiceClient(served.url, token="tok-ana")
    assert ana.me() == {"name": "ana", "kind": "user", "trainer": False}
    qs = banks().module_questions("3.2")
    for q in qs[:3]:
        ana.save("ignored-name", "3", "initial", q.id, keys[q.id].answer)
    assert served.store.responses("ana", "3", "initial") == {q.id: keys[q.id].answer for q in qs[:3]}
    assert served.store.responses("ignored-name", "3", "initial") == {}
    results = ana.submit("ana", "3", "initial")
    got = {r.module: (r.correct, r.total) for r in results}
    assert got["3.2"] == (3, 5)
    with pytest.raises(AttemptError, match="already submitted"):
        ana.submit("ana", "3", "initial")
    with pytest.raises(AttemptError, match="already submitted"):
        ana.save("ana", "3", "initial", qs[4].id, "a")
    state = ana.state("ana", "3", "initial")
    assert state["submitted_at"] is not None
    assert {r.module: r.correct for r in state["results"]}["3.2"] == 3
    # The response never carries a key or which answer was right.
    status, body = raw(served, "GET", "api/attempts/3/initial", token="tok-ana")
    for key in keys.values():
        assert key.why.fr.encode() not in body
    assert b'"answer"' not in body


def test_another_learner_cannot_read_or_write_for_someone_else(served):
    keys = load_keys()
    ana = ServiceClient(served.url, token="tok-ana")
    q = banks().module_questions("3.2")[0]
    ana.save("ana", "3", "initial", q.id, keys[q.id].answer)
    bo = ServiceClient(served.url, token="tok-bo")
    assert bo.state("ana", "3", "initial")["responses"] == {}  # bo's own, empty
    assert raw(served, "GET", "api/attempts/3/initial?learner=ana", token="tok-bo")[0] == 403
    status, body = raw(served, "PUT", f"api/attempts/3/initial/responses/{q.id}", token="tok-bo",
                       body=json.dumps({"choice": "a", "learner": "ana"}).encode())
    assert status == 400 and b"owner of the token" in body
    assert raw(served, "GET", "api/cohort/3/initial", token="tok-bo")[0] == 403
    assert raw(served, "DELETE", "api/cohort/3/initial/ana", token="tok-bo")[0] == 403
    assert served.store.responses("ana", "3", "initial") == {q.id: keys[q.id].answer}


def test_trainer_reads_the_cohort_and_resets_an_attempt(served):
    ana = ServiceClient(served.url, token="tok-ana")
    q = banks().module_questions("3.2")[0]
    ana.save("ana", "3", "initial", q.id, "a")
    ana.submit("ana", "3", "initial")
    ana.ask("ana", "3", "Comment auditer un modèle ?", "3.2")
    tom = ServiceClient(served.url, token="tok-tom")
    assert tom.me()["trainer"] is True
    assert [r["learner"] for r in tom.cohort("3", "initial")] == ["ana"]
    assert tom.cohort_questions("3")[0]["text"] == "Comment auditer un modèle ?"
    tom.reset("ana", "3", "initial")
    assert ana.state("ana", "3", "initial")["submitted_at"] is None
    with pytest.raises(UnknownIdError):
        tom.reset("nobody", "3", "initial")


def test_bad_requests_get_clear_refusals(served):
    ana = ServiceClient(served.url, token="tok-ana")
    with pytest.raises(UnknownIdError, match="unknown course"):
        ana.state("ana", "9", "initial")
    with pytest.raises(UnknownIdError, match="unknown evaluation"):
        ana.state("ana", "3", "midterm")
    with pytest.raises(UnknownIdError, match="not in course 3"):
        ana.save("ana", "3", "initial", "2.1.q1", "a")
    with pytest.raises(SetsError, match="one of a, b, c, d"):
        ana.save("ana", "3", "initial", "3.2.q1", "z")
    assert raw(served, "PUT", "api/attempts/3/initial/responses/3.2.q1", token="tok-ana", body=b"\xff\xfe")[0] == 400
    assert raw(served, "PUT", "api/attempts/3/initial/responses/3.2.q1", token="tok-ana", body=b"[" * 100000)[0] == 400
    with pytest.raises(AttemptError, match="after the initial"):
        ana.submit("ana", "3", "final")


def test_saved_answers_survive_a_service_restart_and_a_down_service_says_so(mini):
    store_url = f"sqlite:///{mini / 'restart.sqlite'}"
    server = Server(Store(store_url))
    ana = ServiceClient(server.url, token="tok-ana", timeout=3)
    qs = banks().module_questions("3.2")
    for q in qs:
        ana.save("ana", "3", "initial", q.id, "b")
    server.stop()
    with pytest.raises(ServiceUnavailableError, match="saved answers are kept"):
        ana.save("ana", "3", "initial", qs[0].id, "c")
    again = Server(Store(store_url))
    try:
        ana = ServiceClient(again.url, token="tok-ana")
        assert ana.state("ana", "3", "initial")["responses"] == {q.id: "b" for q in qs}
    finally:
        again.stop()


def test_path_page_runs_on_the_client_without_keys(served, monkeypatch):
    """The page in a learner's server: SETS_SERVICE_URL set, no keys readable."""
    import ipywidgets as w

    from sets_courseware.app import PathApp
    monkeypatch.setenv("SETS_SERVICE_URL", served.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-ana")
    monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    keys = load_keys()
    monkeypatch.setenv("SETS_KEYS_DIR", "/nonexistent")
    from sets_courseware.content import clear_caches
    clear_caches()
    app = PathApp(lang="fr")
    assert isinstance(app.service, ServiceClient)
    app.course_picker.value = "3"

    def walk(wd):
        yield wd
        for c in getattr(wd, "children", ()) or ():
            yield from walk(c)
    initial = app.body.children[0].children[0]
    mcqs = [c for c in walk(initial) if c.__class__.__name__ == "MCQ"]
    for m in mcqs:
        m.radio.value = keys[m.question.id].answer
    buttons = [c for c in walk(initial) if isinstance(c, w.Button)]
    buttons[0].click()
    buttons[1].click()
    assert served.store.attempt_state("ana", "3", "initial")["submitted_at"] is not None
    text = json.dumps([x.get_state() for x in walk(app.view)], default=str, ensure_ascii=False)
    assert "100 %" in text
    for key in keys.values():
        assert key.why.fr not in text


def test_service_refuses_keys_other_accounts_can_read(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    (keys / "3.2.yaml").write_text("module: '3.2'\nkeys: {}\n")
    (keys / "3.2.yaml").chmod(0o644)
    with pytest.raises(SetsError, match="readable by other accounts"):
        check_private(keys)
    (keys / "3.2.yaml").chmod(0o600)
    check_private(keys)


def test_trainer_commands_go_through_the_service_on_a_hub(served, monkeypatch, capsys):
    from sets_courseware.cli import main
    from sets_courseware.content import clear_caches
    ana = ServiceClient(served.url, token="tok-ana")
    ana.save("ana", "3", "initial", "3.2.q1", "a")
    ana.submit("ana", "3", "initial")
    monkeypatch.setenv("SETS_SERVICE_URL", served.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-tom")
    clear_caches()
    assert main(["results", "--course", "3"]) == 0
    assert '"learner": "ana"' in capsys.readouterr().out
    assert main(["reset", "--learner", "ana", "--course", "3", "--kind", "initial"]) == 0
    assert served.store.attempt_state("ana", "3", "initial")["submitted_at"] is None
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-bo")  # a learner's token: refused
    assert main(["results", "--course", "3"]) != 0


def test_path_page_never_says_saved_when_the_service_is_down(mini, monkeypatch):
    from sets_courseware.app import PathApp
    server = Server(Store(f"sqlite:///{mini / 'down.sqlite'}"))
    app = PathApp(ServiceClient(server.url, token="tok-ana", timeout=2), learner="ana", lang="fr")
    app.course_picker.value = "3"

    def walk(wd):
        yield wd
        for c in getattr(wd, "children", ()) or ():
            yield from walk(c)
    mcqs = [c for c in walk(app.body.children[0].children[0]) if c.__class__.__name__ == "MCQ"]
    mcqs[0].radio.value = "a"
    assert "Enregistré" in mcqs[0].radio.status
    server.stop()
    mcqs[1].radio.value = "b"
    assert "Non enregistré" in mcqs[1].radio.status and "✔" not in mcqs[1].radio.status


# -- group commit (SQLite) ------------------------------------------------------------------------------
def test_saves_arriving_together_share_one_commit_and_fail_together(mini):
    """The saves queued in one turn of the event loop are committed together (one fsync); a
    submitted attempt in the batch is refused on its own; a failed commit fails every save of
    the batch and keeps none of them."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from sets_courseware.service import StoreWriter

    store = Store(f"sqlite:///{mini / 'group.sqlite'}")
    service = AssessmentService(store)
    for who in ("ana", "bo", "cleo"):
        store.save_response(who, "1", "initial", "1.1.q1", "a")
    service.submit("cleo", "1", "initial")
    commits = []
    event.listen(store.engine, "commit", lambda conn: commits.append(1))
    writer = StoreWriter(service)

    async def together(jobs):
        return await asyncio.gather(*(writer.save(*job) for job in jobs), return_exceptions=True)

    jobs = [("ana", "1", "initial", "1.1.q2", "b"), ("bo", "1", "initial", "1.1.q2", "c"),
            ("cleo", "1", "initial", "1.1.q2", "d"), ("ana", "1", "initial", "1.1.q3", "d")]
    outcome = asyncio.run(together(jobs))
    assert outcome[:2] == [None, None] and outcome[3] is None
    assert isinstance(outcome[2], AttemptError) and "already submitted" in str(outcome[2])
    assert len(commits) == 1  # three saves, one transaction (cleo's refusal writes nothing)
    assert store.responses("ana", "1", "initial") == {"1.1.q1": "a", "1.1.q2": "b", "1.1.q3": "d"}

    def broken(items):  # the batch's transaction fails (a full disk at commit): rolled back as a whole
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    store.save_choices = broken
    outcome = asyncio.run(together([("ana", "1", "initial", "1.1.q4", "a"), ("bo", "1", "initial", "1.1.q4", "b")]))
    assert all(isinstance(o, OperationalError) for o in outcome), outcome
    assert "1.1.q4" not in store.responses("ana", "1", "initial") and "1.1.q4" not in store.responses("bo", "1", "initial")
