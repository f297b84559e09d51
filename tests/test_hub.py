"""A real JupyterHub for one cohort: real local accounts, real servers, the assessment service, nbgrader.

JupyterHub + configurable-http-proxy on 127.0.0.1 with the shipped configuration
(deploy/hub/jupyterhub_config.py, loaded by a small override that only adds free ports and an
admin token for the test), the environment built by deploy/hub/build-env.sh from the
system python3 outside root's home (SETS_HUB_PREFIX, default /opt/sets-hub; `.ci/run`
builds it), and four local accounts created here through deploy/hub/provision.py (two
learners, a trainer, a grader; deleted afterwards). People log in through PAM with a
password, as on a real hub.

Everything a learner does is done from that learner's own server: code runs in a kernel
of their server (REST + websocket with their token), nbgrader's fetch/submit go through the
assignment-list server extension that JupyterLab's Assignments tab calls. Needs root; on CI
(CI=true) a missing prerequisite fails instead of skipping.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, chromium_path
from sets_courseware.content import banks, catalog

pytestmark = [pytest.mark.hub, pytest.mark.e2e]

PREFIX = Path(os.environ.get("SETS_HUB_PREFIX", "/opt/sets-hub"))
HUB_PY = PREFIX / "venv" / "bin" / "python"
SERVICE = "sets-assessment"
COURSE = "3"          # the self-assessment taken through the service from a kernel
BROWSER_COURSE = "2"  # the one the browser touches
MODULE, LANG, AID = "3.2", "fr", "m3_2_fr"
TIMINGS: dict[str, float] = {}


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root (creates local accounts and runs JupyterHub's LocalProcessSpawner)"
    for exe in ("useradd", "userdel", "chpasswd"):
        if not shutil.which(exe) and not Path("/usr/sbin", exe).exists():
            return f"{exe} not found"
    if not (PREFIX / "venv" / "bin" / "jupyterhub").exists():
        return f"no hub environment in {PREFIX} (build it: make hub-env, or deploy/hub/build-env.sh PREFIX)"
    if not (PREFIX / "node" / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        return f"configurable-http-proxy not installed in {PREFIX}/node (deploy/hub/build-env.sh installs it)"
    if chromium_path() is None:
        return "Debian chromium is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, token: str | None = None, data=None, form: dict | None = None,
         timeout: float = 60) -> tuple[int, object]:
    body, headers = None, {}
    if token:
        headers["Authorization"] = f"token {token}"
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw, status = resp.read(), resp.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", "replace")


class Hub:
    def __init__(self, base: Path):
        self.base = base
        self.port, self.hub_port, self.api_port, self.service_port = (_free_port() for _ in range(4))
        self.url = f"http://127.0.0.1:{self.port}/"
        self.admin = secrets.token_hex(24)
        tag = secrets.token_hex(2)
        self.users = {"l1": f"setsl1{tag}", "l2": f"setsl2{tag}", "trainer": f"setstr{tag}", "grader": f"setsgr{tag}"}
        self.password = "pw-" + secrets.token_urlsafe(12)
        self.env = {
            **os.environ,
            "SETS_SRV": str(base / "srv"), "SETS_EXCHANGE": str(base / "nbgrader" / "exchange"),
            "SETS_GRADERS_DIR": str(base / "nbgrader" / "sets"),
            "SETS_SERVICE_ACCOUNT": f"setssvc{tag}", "SETS_GRADERS_GROUP": f"setsgrd{tag}",
            "SETS_HUB_USERS": " ".join([f"{self.users['l1']}:learner", f"{self.users['l2']}:learner:en",
                                        f"{self.users['trainer']}:trainer", f"{self.users['grader']}:grader"]),
            "SETS_HUB_PASSWORD": self.password, "SETS_HUB_PORT": str(self.port), "SETS_HUB_IP": "127.0.0.1",
            "SETS_SERVICE_PORT": str(self.service_port),
        }
        for var in ("SETS_DB_URL", "SETS_KEYS_DIR", "SETS_HOME", "SETS_BANKS_DIR", "JUPYTER_CONFIG_DIR",
                    "JUPYTER_CONFIG_PATH", "JUPYTER_PATH", "JUPYTER_DATA_DIR"):
            self.env.pop(var, None)
        self.proc: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}

    @property
    def srv(self) -> Path:
        return Path(self.env["SETS_SRV"])

    def provision(self) -> None:
        subprocess.run([str(HUB_PY), str(ROOT / "deploy" / "hub" / "provision.py")], env=self.env, check=True,
                       capture_output=True, text=True)

    def start(self) -> None:
        override = self.base / "test_config.py"
        override.write_text(textwrap.dedent(f"""
            # The shipped configuration, plus free ports and an admin token for the test only.
            c = get_config()  # noqa: F821
            load_subconfig({str(ROOT / 'deploy' / 'hub' / 'jupyterhub_config.py')!r})  # noqa: F821
            c.JupyterHub.hub_port = {self.hub_port}
            c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.api_port}"
            c.JupyterHub.services.append({{"name": "sets-test-admin", "api_token": {self.admin!r}}})
            c.JupyterHub.load_roles.append({{"name": "sets-test-admin", "services": ["sets-test-admin"],
                                            "scopes": ["admin:users", "admin:servers", "tokens", "list:users",
                                                       "read:users", "admin:groups"]}})
            """))
        log = open(self.base / "hub.log", "w")
        self.proc = subprocess.Popen([str(PREFIX / "venv" / "bin" / "jupyterhub"), "-f", str(override)],
                                     cwd=self.srv / "hub", env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"jupyterhub exited:\n{self.log()[-4000:]}"
            try:
                if http("GET", self.url + f"services/{SERVICE}/api/me")[0] in (401, 403) and \
                        http("GET", self.url + "hub/api/", self.admin)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the hub or the assessment service did not come up:\n{self.log()[-4000:]}")

    def log(self) -> str:
        return (self.base / "hub.log").read_text(errors="replace")

    def api(self, method: str, path: str, data=None) -> tuple[int, object]:
        return http(method, self.url + "hub/api/" + path, self.admin, data)

    def token(self, who: str) -> str:
        """An API token of the user's own (as the user would make on the hub's token page)."""
        if who not in self.tokens:
            status, body = self.api("POST", f"users/{self.users[who]}/tokens", {"note": "sets test", "expires_in": 3600})
            assert status == 201, body
            self.tokens[who] = body["token"]
        return self.tokens[who]

    def spawn(self, who: str) -> None:
        status, body = self.api("POST", f"users/{self.users[who]}/server")
        assert status in (201, 202), body

    def wait_ready(self, who: str, timeout: float = 150) -> float:
        name, started = self.users[who], time.monotonic()
        while time.monotonic() - started < timeout:
            status, body = self.api("GET", f"users/{name}")
            server = body.get("servers", {}).get("", {}) if isinstance(body, dict) else {}
            if server.get("ready"):
                return time.monotonic() - started
            assert server or body.get("pending"), f"{name}'s server stopped:\n{self.log()[-5000:]}"
            time.sleep(0.3)
        raise AssertionError(f"{name}'s server not ready in {timeout} s:\n{self.log()[-5000:]}")

    def server(self, who: str) -> str:
        return self.url + f"user/{self.users[who]}/"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)

    def cleanup(self) -> None:
        accounts = [*self.users.values(), self.env["SETS_SERVICE_ACCOUNT"]]
        for name in accounts:
            try:
                uid = pwd.getpwnam(name).pw_uid
            except KeyError:
                continue
            # Processes the hub started as these test accounts (servers, kernels, the service).
            for pid in subprocess.run(["pgrep", "-U", str(uid)], capture_output=True, text=True).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.3)
        for name in accounts:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        subprocess.run(["groupdel", self.env["SETS_GRADERS_GROUP"]], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


class Kernel:
    """A kernel in a user's server, driven over Jupyter's REST + websocket API with the user's token."""

    def __init__(self, server: str, token: str):
        self.server, self.token = server, token
        status, body = http("POST", server + "api/kernels", token, {"name": "python3"})
        assert status == 201, (status, body)
        self.id = body["id"]
        self.session = uuid.uuid4().hex

    async def _run(self, code: str, timeout: float) -> tuple[str, str | None]:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect
        ws_url = self.server.replace("http://", "ws://") + f"api/kernels/{self.id}/channels?session_id={self.session}"
        conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {self.token}"}))
        msg_id = uuid.uuid4().hex
        conn.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": self.session, "msg_type": "execute_request",
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        out, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            raw = await asyncio.wait_for(conn.read_message(), max(0.1, deadline - time.monotonic()))
            assert raw is not None, "kernel websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                error = f"{msg['content']['ename']}: {msg['content']['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        conn.close()
        return "".join(out), error

    def run(self, code: str, timeout: float = 120) -> str:
        out, error = asyncio.run(self._run(textwrap.dedent(code), timeout))
        assert error is None, f"{error}\n{out}"
        return out

    def json(self, code: str, timeout: float = 120):
        """Run code whose last printed line is JSON; return it."""
        return json.loads(self.run(code, timeout).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def hub():
    missing = _missing()
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"hub test prerequisite missing on CI: {missing}")
        pytest.skip(missing)
    base = Path(tempfile.mkdtemp(prefix="sets-hub-test-", dir="/tmp"))
    os.chmod(base, 0o755)
    h = Hub(base)
    try:
        started = time.monotonic()
        h.provision()
        TIMINGS["provision_s"] = time.monotonic() - started
        started = time.monotonic()
        h.start()
        TIMINGS["hub_start_s"] = time.monotonic() - started
        yield h
    finally:
        h.stop()
        print("\nhub test timings: " + ", ".join(f"{k} {v:.1f}" for k, v in TIMINGS.items()))
        h.cleanup()


def _launch(p):
    return p.chromium.launch(executable_path=chromium_path(), headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])


def test_cohort_on_a_real_hub(hub):
    """One story, in order (the steps depend on each other): see the module docstring."""
    from playwright.sync_api import expect, sync_playwright

    u = hub.users
    service = hub.url + f"services/{SERVICE}/"

    # -- 1. learner 1 logs in through the hub's login page (PAM) and lands on the path page ---
    hub.spawn("trainer")  # in the background, while learner 1 logs in
    hub.spawn("grader")
    with sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page()
        page.goto(hub.url + "hub/login", timeout=60_000)
        page.locator("#username_input").fill(u["l1"])
        page.locator("#password_input").fill(hub.password)
        started = time.monotonic()
        page.locator("#login_submit").click()
        page.wait_for_url(f"**/user/{u['l1']}/voila/render/voila_app/path.ipynb*", timeout=150_000)
        course_select = page.get_by_label("Cours")
        expect(course_select).to_be_visible(timeout=120_000)
        TIMINGS["login_to_path_page_s"] = time.monotonic() - started
        # One answer from the page itself: saved by the service (the page holds no store).
        course = catalog().course(BROWSER_COURSE)
        course_select.select_option(label=f"{BROWSER_COURSE}. {course.short_title('fr')}")
        first = banks().course_questions(BROWSER_COURSE)[0]
        page.locator(f".sets-q-{first.id.replace('.', '-')} input[type=radio]").nth(1).check(timeout=60_000)
        expect(page.get_by_text(re.compile(r"Réponses enregistrées \(1/\d+\)"))).to_be_visible(timeout=30_000)
        browser.close()
    status, attempt = http("GET", service + f"api/attempts/{BROWSER_COURSE}/initial", hub.token("l1"))
    assert status == 200 and attempt["responses"] == {first.id: "b"}, attempt
    status, model = hub.api("GET", f"users/{u['l1']}")
    TIMINGS["spawn_s"] = _spawn_seconds(hub, model)

    # -- 2. through a kernel in learner 1's server: no key, no store, no credential ----------
    k1 = Kernel(hub.server("l1"), hub.token("l1"))
    srv = hub.srv
    probe = k1.json(f"""
        import json, os
        out = {{}}
        for name, path in [("service_keys", {str(srv / 'service' / 'keys' / '3.2.yaml')!r}),
                           ("store", {str(srv / 'service' / 'sets.sqlite')!r}),
                           ("service_dir", {str(srv / 'service')!r}),
                           ("grader_keys", {str(Path(hub.env['SETS_GRADERS_DIR']) / 'keys' / '3.2.yaml')!r})]:
            try:
                os.listdir(path) if name == "service_dir" else open(path, "rb").read()
                out[name] = "READ"
            except PermissionError:
                out[name] = "PermissionError"
        out["env"] = sorted(k for k in os.environ if k in ("SETS_DB_URL", "SETS_KEYS_DIR", "SETS_GRADERS_DIR")
                            or "PASSWORD" in k or "SECRET" in k)
        out["user"] = os.environ.get("JUPYTERHUB_USER")
        out["uid_name"] = __import__("pwd").getpwuid(os.getuid()).pw_name
        out["service_url"] = os.environ.get("SETS_SERVICE_URL")
        print(json.dumps(out))
        """)
    assert probe["service_keys"] == probe["store"] == probe["service_dir"] == probe["grader_keys"] == "PermissionError", probe
    assert probe["env"] == [], probe
    assert probe["user"] == probe["uid_name"] == u["l1"], probe
    assert probe["service_url"], probe

    # -- 3. the self-assessment through the service, from the kernel, with the server's own token
    started = time.monotonic()
    first_try = k1.json(f"""
        import json
        from sets_courseware.client import ServiceClient
        from sets_courseware.settings import get_settings
        from sets_courseware.errors import AttemptError
        client = ServiceClient(get_settings().service_url)  # JUPYTERHUB_API_TOKEN of this server
        qs = client.questions({COURSE!r})
        for q in qs:
            client.save("ignored", {COURSE!r}, "initial", q.id, "a")
        results = client.submit("ignored", {COURSE!r}, "initial")
        path = client.path({COURSE!r}, results)
        try:
            client.submit("ignored", {COURSE!r}, "initial")
            again = "accepted"
        except AttemptError as exc:
            again = "refused: " + str(exc)
        print(json.dumps({{"me": client.me(), "n": len(qs), "modules": [r.module for r in results],
                          "statuses": [p.status for p in path], "again": again}}))
        """)
    TIMINGS["self_assessment_round_trip_s"] = time.monotonic() - started
    assert first_try["me"]["name"] == u["l1"] and not first_try["me"]["trainer"], first_try
    assert first_try["n"] >= 5 and first_try["modules"], first_try
    assert all(s in ("mastered", "suggested", "required") for s in first_try["statuses"]), first_try
    assert first_try["again"].startswith("refused") and "409" in first_try["again"], first_try
    # The same second submission over raw HTTP: 409.
    assert http("POST", service + f"api/attempts/{COURSE}/initial/submit", hub.token("l1"), {})[0] == 409

    # -- 4. learner 2, strangers and forgers ------------------------------------------------
    t2 = hub.token("l2")
    status, mine = http("GET", service + f"api/attempts/{COURSE}/initial", t2)
    assert status == 200 and mine["responses"] == {} and mine["results"] is None, mine
    assert http("GET", service + f"api/attempts/{COURSE}/initial?learner={u['l1']}", t2)[0] == 403
    qid = banks().course_questions(COURSE)[0].id
    assert http("PUT", service + f"api/attempts/{COURSE}/initial/responses/{qid}", t2,
                {"choice": "b", "learner": u["l1"]})[0] == 400
    assert http("GET", service + f"api/cohort/{COURSE}/initial", t2)[0] == 403
    assert http("DELETE", service + f"api/cohort/{COURSE}/initial/{u['l1']}", t2)[0] == 403
    assert http("GET", service + "api/me")[0] in (401, 403)
    assert http("GET", service + "api/me", "forged" + secrets.token_hex(16))[0] == 403
    assert http("GET", service + "api/me", hub.admin)[0] == 403  # a token without the service scope

    # -- 5. the trainer, from the trainer's own server: cohort results, then reset learner 1 --
    hub.wait_ready("trainer")
    kt = Kernel(hub.server("trainer"), hub.token("trainer"))
    trainer = kt.json(f"""
        import json
        from sets_courseware.client import ServiceClient
        from sets_courseware.settings import get_settings
        client = ServiceClient(get_settings().service_url)
        cohort = client.cohort({COURSE!r}, "initial")
        client.reset({u['l1']!r}, {COURSE!r}, "initial")
        print(json.dumps({{"me": client.me(), "cohort": [r["learner"] for r in cohort]}}))
        """)
    assert trainer["me"]["trainer"] and trainer["cohort"] == [u["l1"]], trainer
    status, after = http("GET", service + f"api/attempts/{COURSE}/initial", hub.token("l1"))
    assert status == 200 and after["submitted_at"] is None and after["results"] is None, after

    # -- 6. nbgrader: roles' tools, release, fetch, answer, submit, collect, grade, feedback --
    assert http("GET", hub.server("l1") + "formgrader", hub.token("l1"))[0] == 404
    assert http("GET", hub.server("l1") + "formgraders", hub.token("l1"))[0] == 404  # course_list
    status, lab = http("GET", hub.server("l1") + "lab", hub.token("l1"))
    assert status == 200, status
    page_config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                       lab, re.S).group(1))
    disabled = page_config.get("disabledExtensions", [])
    for plugin in ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list"):
        assert plugin in disabled, (plugin, disabled)
    assert "@jupyter/nbgrader:assignment-list" not in disabled, disabled
    status, tr = http("GET", hub.server("l1") + "lab/api/settings/@jupyterlab/translation-extension:plugin", hub.token("l1"))
    assert status == 200 and tr["settings"].get("locale", tr.get("schema", {}).get("properties", {})
                                                 .get("locale", {}).get("default")) == "fr_FR", tr
    hub.wait_ready("grader")
    assert http("GET", hub.server("grader") + "formgrader", hub.token("grader"))[0] == 200
    kg = Kernel(hub.server("grader"), hub.token("grader"))
    grader_sh = """
        import os, subprocess
        def sh(*cmd):
            p = subprocess.run(cmd, cwd=os.environ["SETS_GRADERS_DIR"], capture_output=True, text=True)
            print(p.stdout[-3000:]); print(p.stderr[-3000:])
            assert p.returncode == 0, (cmd, p.returncode)
        """
    started = time.monotonic()
    kg.run(grader_sh + f"""
        sh("sets", "grade", "release", "--module", {MODULE!r}, "--lang", {LANG!r})
        sh("nbgrader", "release_assignment", {AID!r}, "--force")
        """, timeout=240)
    TIMINGS["release_s"] = time.monotonic() - started
    assign = hub.server("l1") + "assignments"
    status, listed = http("GET", assign + "?course_id=sets", hub.token("l1"))
    assert status == 200 and listed["success"], listed
    assert [a["assignment_id"] for a in listed["value"] if a["status"] == "released"] == [AID], listed
    status, fetched = http("POST", assign + "/fetch", hub.token("l1"), form={"course_id": "sets", "assignment_id": AID})
    assert status == 200 and fetched["success"], fetched
    answered = k1.json(f"""
        import json, os
        from pathlib import Path
        from sets_courseware.answers import AnswerFile
        from sets_courseware.content import banks
        folder = Path.home() / {AID!r}
        assert any(folder.glob("*.ipynb")), sorted(os.listdir(folder))
        af = AnswerFile({MODULE!r}, folder)
        qs = [q.id for q in banks().module_quiz({MODULE!r})]
        for q in qs:
            af.save(q, "a")   # what the quiz widget does on each click
        print(json.dumps({{"answered": len(qs)}}))
        """)
    assert answered["answered"] >= 5
    status, submitted = http("POST", assign + "/submit", hub.token("l1"), form={"course_id": "sets", "assignment_id": AID})
    assert status == 200 and submitted["success"], submitted
    # Learners can write into inbound but not list it (nbgrader's exchange permissions).
    inbound = Path(hub.env["SETS_EXCHANGE"]) / "sets" / "inbound"
    assert k1.json(f"""
        import json, os
        try:
            os.listdir({str(inbound)!r}); print(json.dumps("listed"))
        except PermissionError:
            print(json.dumps("PermissionError"))
        """) == "PermissionError"
    started = time.monotonic()
    graded = kg.run(grader_sh + f"""
        sh("sets", "grade", "collect", {AID!r})
        sh("sets", "grade", "autograde", {AID!r})
        sh("sets", "grade", "feedback", {AID!r})
        sh("nbgrader", "release_feedback", {AID!r})
        import json
        from pathlib import Path
        from sets_courseware.grading import compare
        print(json.dumps(compare(Path(os.environ["SETS_GRADERS_DIR"]), {AID!r})))
        """, timeout=300)
    TIMINGS["collect_autograde_feedback_s"] = time.monotonic() - started
    assert f"collected {u['l1']}" in graded, graded  # autograde exits non-zero on any disagreement or flag
    rows = json.loads(graded.strip().splitlines()[-1])
    assert [(r["student"], r["agree"]) for r in rows] == [(u["l1"], True)], rows
    assert rows[0]["nbgrader"] == rows[0]["direct"] and rows[0]["max"] > 0, rows
    status, fb = http("POST", assign + "/fetch_feedback", hub.token("l1"), form={"course_id": "sets", "assignment_id": AID})
    assert status == 200 and fb["success"], fb
    feedback = k1.json(f"""
        import json
        from pathlib import Path
        print(json.dumps([str(p.relative_to(Path.home())) for p in (Path.home() / {AID!r} / "feedback").rglob("*.html")]))
        """)
    assert feedback, "no feedback fetched"


def _spawn_seconds(hub, model) -> float:
    """Seconds from the spawn request to a ready server, from the hub's own log lines."""
    name = hub.users["l1"]
    m = re.search(rf"User {name} took ([0-9.]+) seconds to start", hub.log())
    return float(m.group(1)) if m else float("nan")

