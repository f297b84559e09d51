"""The store (once per learner and course, trainer reset) and the path page driven in-process."""

import json
import os
import re
import time

import ipywidgets as w
import pytest

from sets_courseware.app import PathApp
from sets_courseware.assessment import AssessmentService
from sets_courseware.content import banks, load_keys
from sets_courseware.errors import AttemptError, UnknownIdError
from sets_courseware.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, mini):
    """The same tests on SQLite and, when .ci/run started one (SETS_TEST_PG_URL), on PostgreSQL."""
    if request.param == "sqlite":
        yield Store(f"sqlite:///{mini / 'store.sqlite'}")
        return
    url = os.environ.get("SETS_TEST_PG_URL")
    if not url:
        pytest.skip("SETS_TEST_PG_URL not set (.ci/run starts a PostgreSQL server and sets it)")
    import uuid

    from sqlalchemy import create_engine, text
    name = f"sets_test_{uuid.uuid4().hex[:12]}"  # one database per test: safe with pytest -n 2
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    store = Store(url.rsplit("/", 1)[0] + "/" + name)
    yield store
    store.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name}"))
    admin.dispose()


def test_submit_once_then_reset(store):
    svc = AssessmentService(store)
    keys = load_keys()
    for q in banks().module_questions("3.2"):
        svc.save("ana", "3", "initial", q.id, keys[q.id].answer)
    results = svc.submit("ana", "3", "initial")
    assert {r.module: r.correct for r in results}["3.2"] == 5
    with pytest.raises(AttemptError, match="already submitted"):
        svc.submit("ana", "3", "initial")
    with pytest.raises(AttemptError, match="already submitted"):
        svc.save("ana", "3", "initial", "3.2.q1", "a")
    store.reset("ana", "3", "initial")
    assert svc.state("ana", "3", "initial")["submitted_at"] is None
    with pytest.raises(UnknownIdError):
        store.reset("ana", "3", "final")


def test_final_needs_initial_and_gives_gains(store):
    svc = AssessmentService(store)
    keys = load_keys()
    qs = banks().module_questions("3.2")
    with pytest.raises(AttemptError, match="after the initial"):
        svc.submit("bo", "3", "final")
    svc.save("bo", "3", "initial", qs[0].id, keys[qs[0].id].answer)
    svc.submit("bo", "3", "initial")
    for q in qs[:4]:
        svc.save("bo", "3", "final", q.id, keys[q.id].answer)
    svc.submit("bo", "3", "final")
    g = {x.module: x for x in svc.progress("bo", "3")}
    assert (g["3.2"].pre, g["3.2"].post) == (20.0, 80.0)
    assert g["3.2"].gain == pytest.approx(0.75)


def test_unknown_question_refused(store):
    with pytest.raises(UnknownIdError, match="not in course 3"):
        AssessmentService(store).save("ana", "3", "initial", "2.1.q1", "a")


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child)


def _state_text(view) -> str:
    return json.dumps([wd.get_state() for wd in _walk(view)], default=str, ensure_ascii=False)


def test_path_page_flow_and_no_key_in_widget_state(store):
    svc = AssessmentService(store)
    app = PathApp(svc, learner="chloe", lang="fr")
    app.course_picker.value = "3"
    tabs = app.body.children[0]
    initial = tabs.children[0]
    mcqs = [c for c in _walk(initial) if c.__class__.__name__ == "MCQ"]
    assert len(mcqs) == 5  # only module 3.2 has questions in the test bank
    keys = load_keys()
    for i, m in enumerate(mcqs):  # two right, three wrong
        k = keys[m.question.id].answer
        m.radio.value = k if i < 2 else ("a" if k != "a" else "b")
    assert store.responses("chloe", "3", "initial")["3.2.q1"] == keys["3.2.q1"].answer
    buttons = [c for c in _walk(initial) if isinstance(c, w.Button)]
    buttons[0].click()
    buttons[1].click()
    text = _state_text(app.view)
    assert "Leçons suggérées" in text and "40 %" in text
    assert "3.2.3" in text and "module_3_2.ipynb#cell-id=sec-3-2-3" in text
    for key in keys.values():
        assert key.why.fr not in text and key.why.en not in text
    # The page shows no per-question verdict.
    assert "Bonne réponse" not in text
    assert not re.search(r"\bcorrect\b", text.lower().replace("correct answers are not shown", ""))
    app.lang_picker.value = "en"
    assert "Lessons suggested" in _state_text(app.view)
    # Reopening shows the kept answers, frozen.
    again = PathApp(svc, learner="chloe", lang="fr")
    again.course_picker.value = "3"
    frozen = [c for c in _walk(again.body.children[0].children[0]) if c.__class__.__name__ == "MCQ"]
    assert [m.radio.value for m in frozen] == [m.radio.value for m in mcqs]
    assert all(m.radio.disabled for m in frozen)


def test_learner_name_asked_once(mini, monkeypatch):
    from sets_courseware.settings import get_settings
    app = PathApp(AssessmentService(Store(f"sqlite:///{mini / 's.sqlite'}")), lang="en")
    row = app.view.children[2]
    name, ok = row.children
    name.value = "Dana"
    ok.click()
    assert (get_settings().home / "learner.txt").read_text() == "Dana"
    assert PathApp(AssessmentService(Store(f"sqlite:///{mini / 's.sqlite'}"))).learner == "Dana"
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert PathApp(AssessmentService(Store(f"sqlite:///{mini / 's.sqlite'}"))).learner == "hubuser"


def test_lesson_banner_shows_mandatory_rule_and_learner_status(mini, monkeypatch):
    from sets_courseware.nb import Lesson
    monkeypatch.setenv("SETS_LEARNER", "farid")
    from sets_courseware.content import clear_caches
    clear_caches()
    assert "obligatoire" in Lesson("2.1", "fr", show_status=False).status_html()
    assert Lesson("3.2", "fr", show_status=False).status_html() == ""
    svc = AssessmentService()
    keys = load_keys()
    q = banks().module_questions("2.1")[0]
    svc.save("farid", "2", "initial", q.id, keys[q.id].answer)
    svc.submit("farid", "2", "initial")
    banner = Lesson("2.1", "en", show_status=False).status_html()
    assert "mandatory" in banner and "Module required" in banner
    assert "href=\"#2.1.1-" in banner  # jump links to the sections to study


def test_migrations_match_the_models(tmp_path):
    """A new column in the models without a migration would show here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sets_courseware.store import Base
    store = Store(f"sqlite:///{tmp_path / 'm.sqlite'}")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


# -- saves racing a submission, the fast save paths --------------------------------------------------
def test_a_save_racing_the_submission_is_either_scored_or_refused(store):
    """Saves keep coming while the learner submits (two tabs, a slow network): every acknowledged
    save made before the submission is in the results, every later one is refused; the results
    always match the stored answers. On PostgreSQL this needs the save's share lock and the
    submission's row lock (without them, a save could commit between the submission's read of
    the answers and its commit)."""
    import threading

    svc = AssessmentService(store)
    scorer = svc._scorer("3")
    questions = [q.id for q in banks().course_questions("3")]
    for round_ in range(8):
        who = f"racer-{round_}"
        svc.save(who, "3", "initial", questions[0], "a")
        stop = threading.Event()
        acked: list[tuple[str, str]] = []
        refused = []

        def saver(k0: int) -> None:
            k = k0
            while not stop.is_set():
                qid, choice = questions[k % len(questions)], "abcd"[(k // 3) % 4]
                try:
                    svc.save(who, "3", "initial", qid, choice)
                    acked.append((qid, choice))
                except AttemptError:
                    refused.append(qid)
                    return
                k += 1

        errors = []

        def guarded(k0: int) -> None:
            try:
                saver(k0)
            except Exception as exc:  # noqa: BLE001 - any other failure is the finding
                errors.append(repr(exc))

        threads = [threading.Thread(target=guarded, args=(i * 7,)) for i in range(3)]
        for t in threads:
            t.start()
        try:
            deadline = time.monotonic() + 10
            while len(acked) < 20 * (round_ + 1) % 50 + 5 and time.monotonic() < deadline and not errors:
                stop.wait(0.001)
            assert not errors, errors[:3]
            svc.submit(who, "3", "initial")
        finally:
            stop.set()
            for t in threads:
                t.join(10)
        assert not errors, errors[:3]
        state = store.attempt_state(who, "3", "initial")
        assert state["submitted_at"] is not None
        assert state["results"] == scorer(state["responses"]), f"round {round_}: results do not match the answers"
        # what was acknowledged last per question is what is stored, unless a later save was refused
        assert store.save_choices([(who, "3", "initial", questions[0], "b")]) == [False]  # submitted: no draft


def test_fast_save_paths_and_the_general_one(store):
    assert store.save_choices([("nadia", "1", "initial", "1.1.q1", "a")]) == [False]  # no draft yet
    store.save_response("nadia", "1", "initial", "1.1.q1", "a")  # creates it
    assert store.save_choices([("nadia", "1", "initial", "1.1.q1", "b"), ("nadia", "1", "initial", "1.1.q2", "c"),
                               ("omar", "1", "initial", "1.1.q1", "d"), ("nadia", "1", "initial", "1.1.q1", "d")]) \
        == [True, True, False, True]  # in order: the later choice wins; omar has no draft
    assert store.responses("nadia", "1", "initial") == {"1.1.q1": "d", "1.1.q2": "c"}
    assert store.responses("omar", "1", "initial") == {}
    store.save_response("nadia", "1", "initial", "1.1.q2", None)  # a cleared choice
    assert store.responses("nadia", "1", "initial") == {"1.1.q1": "d"}


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_postgresql_async_save_survives_a_dropped_connection(store):
    """The path the service takes on PostgreSQL: psycopg's async pool on the event loop. A
    connection the server dropped (as after a restart) costs a retry, not a failed save."""
    import asyncio

    assert store.engine.dialect.name == "postgresql"
    store.save_response("ines", "1", "initial", "1.1.q1", "a")
    from sqlalchemy import text

    async def scenario():
        assert await store.save_choice_async("ines", "1", "initial", "1.1.q1", "b") is True
        assert await store.save_choice_async("zoe", "1", "initial", "1.1.q1", "b") is False  # no draft
        # the server ends every session of this database but ours: the pool's connection is dead
        with store.engine.connect() as conn:
            killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        assert killed >= 1
        assert await store.save_choice_async("ines", "1", "initial", "1.1.q2", "c") is True
        await store.close_async()

    asyncio.run(scenario())
    assert store.responses("ines", "1", "initial") == {"1.1.q1": "b", "1.1.q2": "c"}
