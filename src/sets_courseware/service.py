"""The assessment service on a JupyterHub: owns the keys and the store, scores for learners.

Run by the hub as a managed service (`python -m sets_courseware.service`, see
deploy/hub/jupyterhub_config.py) under an account of its own, the only one that can read
the keys (SETS_KEYS_DIR) and the store (SETS_DB_URL). The path page in a learner's server
calls it with the learner's own hub token (`Authorization: token …`); the learner is the
token's owner, never a name sent in a request. Scopes:

- `access:services!service=sets-assessment` — anyone the hub lets call the service: a
  learner reads and writes their own attempts only;
- `custom:sets-cohort` — trainers: cohort results, learners' questions, resetting an attempt.

API (under the service prefix, JSON in and out):

    GET    api/me
    GET    api/attempts/{course}/{kind}                 the caller's attempt
    PUT    api/attempts/{course}/{kind}/responses/{qid} {"choice": "a"|…|"d"|null}
    POST   api/attempts/{course}/{kind}/submit          scores once; 409 after
    POST   api/questions/{course}                       {"text": …, "module": …|null}
    GET    api/cohort/{course}/{kind}                   trainer
    GET    api/cohort/{course}/questions                trainer
    GET    api/cohort/{course}/report                   trainer: mastery, gains, item statistics (cohort.py)
    DELETE api/cohort/{course}/{kind}/{learner}         trainer: let a learner retake
    GET    api/certification/{course}                   the caller's certification rules: done, left
    GET    api/attendance/{course}                      trainer: attendance at the live sessions
    PUT    api/attendance/{course}/{session}/{learner}  trainer: {"present": true|false}
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import stat
import sys
from pathlib import Path
from urllib.parse import urlparse

from tornado import ioloop, web
from tornado.httpserver import HTTPServer

from .assessment import AssessmentService
from .content import CHOICE_IDS, catalog, load_keys
from .errors import AttemptError, KeysUnavailableError, SetsError, UnknownIdError
from .store import KINDS

SERVICE_NAME = "sets-assessment"
COHORT_SCOPE = "custom:sets-cohort"
log = logging.getLogger("sets.service")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def is_trainer(user: dict) -> bool:
    return any(s == COHORT_SCOPE or s.startswith(COHORT_SCOPE + "!") for s in user.get("scopes", []))


def store_unavailable(exc: BaseException | None) -> bool:
    """A lost or refused database connection (not a bug in a request): worth retrying."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    if isinstance(exc, OperationalError):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated)
    # PostgreSQL saves made with psycopg's asynchronous pool (Store.save_choice_async); its
    # PoolTimeout, when the server is down, is an OperationalError too
    psycopg = sys.modules.get("psycopg")
    return bool(psycopg and isinstance(exc, psycopg.OperationalError))


class StoreWriter:
    """Every write to a SQLite store, on the event loop's own thread, with group commit.

    SQLite takes one writer at a time: its writes are made in one place, in order, rather than
    by several threads polling for the lock (the busy handler's sleeps made the tail). The saves
    that arrive in one turn of the loop are committed together: one transaction, one fsync.
    Each request is acknowledged only after that commit; when it fails, every request of the
    batch gets the error (and the client sends again: nothing of it was saved).

    On the loop's thread rather than a writer thread: a save is about one fsync (under a
    millisecond here), and handing each one to a thread and back cost about half a millisecond
    more at p50 and p95 under a cohort's load (bench/bench_load.py). Reads still run in threads
    (WAL: readers do not wait for the writer)."""

    def __init__(self, service: AssessmentService):
        self.service = service
        self._batch: list[tuple[tuple, asyncio.Future]] = []

    def save(self, learner: str, course: str, kind: str, qid: str, choice: str | None) -> asyncio.Future:
        """A choice (None clears it) into the learner's draft; the future is done once committed."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self._batch:
            loop.call_soon(self.flush)
        self._batch.append(((learner, course, kind, qid, choice), future))
        return future

    def call(self, fn, *args):
        """Any other write, now, after the saves queued before it."""
        self.flush()
        return fn(*args)

    def flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        store = self.service.store
        fast = [job for job in batch if job[0][4] is not None]
        try:
            saved = store.save_choices([args for args, _ in fast]) if fast else []
        except Exception as exc:  # noqa: BLE001 - rolled back as a whole: every request of it fails
            for _, future in fast:
                _settle(future, exc=exc)
            saved, fast = [], []
            batch = [job for job in batch if job[0][4] is None]
        done = {id(job) for job, ok in zip(fast, saved) if ok}
        for job in batch:
            args, future = job
            if id(job) in done:
                _settle(future)
                continue
            try:  # first answer of an attempt, a cleared choice, or a submitted attempt: the general path
                store.save_response(*args, fast=False)
            except Exception as exc:  # noqa: BLE001 - handed to the request that sent it
                _settle(future, exc=exc)
            else:
                _settle(future)


def _settle(future: asyncio.Future, exc: BaseException | None = None) -> None:
    if future.done():  # the request went away meanwhile
        return
    if exc is None:
        future.set_result(None)
    else:
        future.set_exception(exc)


class ApiHandler(web.RequestHandler):
    """Base: JSON errors, the hub user from the token, no cookies, no identity from the body."""

    def initialize(self, service: AssessmentService, hub_auth, writer: "StoreWriter") -> None:
        self.service = service
        self.hub_auth = hub_auth
        self.writer = writer

    def check_xsrf_cookie(self) -> None:
        # Token-authenticated API only: HubAuth ignores cookies here, so no xsrf to check.
        return None

    def get_current_user(self):
        user = self.hub_auth.get_user(self)
        if not user:
            return None
        scopes = set(user.get("scopes", []))
        if not any(s == f"access:services!service={SERVICE_NAME}" or s == "access:services" for s in scopes):
            raise web.HTTPError(403, f"this token does not grant access to the {SERVICE_NAME} service")
        return user

    def prepare(self) -> None:
        if self.current_user is None:
            raise web.HTTPError(401 if not self.request.headers.get("Authorization") else 403,
                                "a valid hub token is required (Authorization: token …)")

    @property
    def learner(self) -> str:
        user = self.current_user
        if user.get("kind", "user") != "user":
            raise web.HTTPError(403, "only hub users take assessments")
        return user["name"]

    def require_trainer(self) -> None:
        if not is_trainer(self.current_user):
            raise web.HTTPError(403, f"reading or resetting others' attempts needs the {COHORT_SCOPE} scope (trainers)")

    def body(self) -> dict:
        if not self.request.body:
            return {}
        try:
            data = json.loads(self.request.body)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise web.HTTPError(400, "the request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPError(400, "the request body must be a JSON object")
        if "learner" in data or "user" in data:
            raise web.HTTPError(400, "the learner is the owner of the token; a name in the request is refused")
        return data

    def check_course_kind(self, course: str, kind: str | None = None) -> None:
        try:
            catalog().course(course)
        except UnknownIdError as exc:
            raise web.HTTPError(404, str(exc)) from None
        if kind is not None and kind not in KINDS:
            raise web.HTTPError(404, f"unknown evaluation '{kind}' (initial or final)")

    def log_exception(self, typ, value, tb) -> None:
        if store_unavailable(value):
            log.warning("%s %s: store unavailable (%s)", self.request.method, self.request.path,
                        str(value).splitlines()[0][:200])
            return
        super().log_exception(typ, value, tb)

    @property
    def sqlite(self) -> bool:
        return self.service.store.engine.dialect.name == "sqlite"

    async def off_loop(self, fn, *args, write: bool = False):
        """Run a store call in a worker thread: a commit's fsync or a database that is slow to
        answer must not hold up the requests of every other learner on the event loop. SQLite
        writes are the exception: StoreWriter makes them on the loop, in order."""
        if write and self.sqlite:
            return self.writer.call(fn, *args)
        return await ioloop.IOLoop.current().run_in_executor(None, fn, *args)

    def write_json(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs) -> None:
        message = self._reason
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, web.HTTPError) and exc.log_message:
            message = exc.log_message
        elif store_unavailable(exc):
            # The database is down or restarting: the request's transaction was rolled back as a
            # whole, so the client may send it again (client.py raises ServiceUnavailableError).
            self.set_status(503)
            self.set_header("Retry-After", "1")
            message = "the store is unavailable for a moment; this request was not saved, send it again"
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"status": status_code, "message": message}, ensure_ascii=False))

    def fail(self, exc: SetsError) -> None:
        if isinstance(exc, KeysUnavailableError):
            log.error("keys unavailable: %s", exc)
            raise web.HTTPError(503, "scoring is unavailable on the service; your answers are saved, tell your trainer")
        status = 409 if isinstance(exc, AttemptError) else 404 if isinstance(exc, UnknownIdError) else 400
        raise web.HTTPError(status, str(exc))


def state_json(state: dict) -> dict:
    return {"responses": state["responses"], "submitted_at": _iso(state["submitted_at"]),
            "results": [r.__dict__ for r in state["results"]] if state["results"] else None}


class MeHandler(ApiHandler):
    def get(self) -> None:
        self.write_json({"name": self.current_user["name"], "kind": self.current_user.get("kind", "user"),
                         "trainer": is_trainer(self.current_user)})


class AttemptHandler(ApiHandler):
    async def get(self, course: str, kind: str) -> None:
        self.check_course_kind(course, kind)
        if self.get_query_argument("learner", None) not in (None, self.learner):
            raise web.HTTPError(403, "a learner reads only their own attempts")
        self.write_json(state_json(await self.off_loop(self.service.state, self.learner, course, kind)))


class ResponseHandler(ApiHandler):
    async def put(self, course: str, kind: str, qid: str) -> None:
        self.check_course_kind(course, kind)
        choice = self.body().get("choice")
        if choice is not None and choice not in CHOICE_IDS:
            raise web.HTTPError(400, f"a choice is one of {', '.join(CHOICE_IDS)} or null")
        try:
            self.service.check_question(course, qid)
            store = self.service.store
            if self.sqlite:
                await self.writer.save(self.learner, course, kind, qid, choice)
            elif choice is None or not await store.save_choice_async(self.learner, course, kind, qid, choice):
                # a cleared choice, the first answer of an attempt, a submitted attempt: the general path
                await self.off_loop(store.save_response, self.learner, course, kind, qid, choice, False)
        except SetsError as exc:
            self.fail(exc)
        self.write_json({"question": qid, "choice": choice})


class SubmitHandler(ApiHandler):
    async def post(self, course: str, kind: str) -> None:
        self.check_course_kind(course, kind)
        self.body()
        try:
            results = await self.off_loop(self.service.submit, self.learner, course, kind, write=True)
        except SetsError as exc:
            self.fail(exc)
        self.write_json({"results": [r.__dict__ for r in results]})


class QuestionHandler(ApiHandler):
    async def post(self, course: str) -> None:
        self.check_course_kind(course)
        data = self.body()
        try:
            qid = await self.off_loop(self.service.ask, self.learner, course, str(data.get("text", "")), data.get("module"),
                                       write=True)
        except SetsError as exc:
            self.fail(exc)
        self.write_json({"id": qid}, status=201)


class CohortHandler(ApiHandler):
    def get(self, course: str, kind: str) -> None:
        self.require_trainer()
        if kind == "questions":
            self.check_course_kind(course)
            rows = self.service.store.questions(course)
            self.write_json([{**r, "asked_at": _iso(r["asked_at"])} for r in rows])
            return
        self.check_course_kind(course, kind)
        rows = [{"learner": name, "responses_count": len(resp), "results": results}
                for name, resp, results in self.service.store.submitted(course, kind)]
        self.write_json(rows)


class CohortReportHandler(ApiHandler):
    """Trainers: the cohort report, computed here because item analysis needs the keys."""

    def get(self, course: str) -> None:
        self.require_trainer()
        self.check_course_kind(course)
        from .cohort import build_report
        store = self.service.store
        report = build_report(course, store.submitted(course, "initial"), store.submitted(course, "final"),
                              keys=self.service._keys())
        self.write_json(report.to_json())


class ResetHandler(ApiHandler):
    def delete(self, course: str, kind: str, learner: str) -> None:
        self.require_trainer()
        self.check_course_kind(course, kind)
        try:
            self.service.store.reset(learner, course, kind)
        except SetsError as exc:
            self.fail(exc)
        log.info("%s reset the %s evaluation of course %s for %s", self.current_user["name"], kind, course, learner)
        self.set_status(204)
        self.finish()


class CertificationHandler(ApiHandler):
    def get(self, course: str) -> None:
        self.check_course_kind(course)
        try:
            verdict = self.service.certification(self.learner, course)
        except SetsError as exc:
            self.fail(exc)
        self.write_json(verdict.to_json())


class AttendanceHandler(ApiHandler):
    def get(self, course: str) -> None:
        self.require_trainer()
        self.check_course_kind(course)
        self.write_json([{**r, "at": _iso(r["at"])} for r in self.service.store.attendance(course)])


class AttendanceRecordHandler(ApiHandler):
    def put(self, course: str, session: str, learner: str) -> None:
        self.require_trainer()
        self.check_course_kind(course)
        present = json.loads(self.request.body or b"{}").get("present") if self.request.body else None
        if not isinstance(present, bool):
            raise web.HTTPError(400, 'the body is {"present": true} or {"present": false}')
        try:
            self.service.store.record_attendance(learner, course, session, present, self.current_user["name"])
        except SetsError as exc:
            self.fail(exc)
        log.info("%s recorded %s %s at session %s", self.current_user["name"], learner,
                 "present" if present else "absent", session)
        self.write_json({"learner": learner, "session": session, "present": present})


def make_app(service: AssessmentService, hub_auth, prefix: str = f"/services/{SERVICE_NAME}/") -> web.Application:
    prefix = "/" + prefix.strip("/") + "/"
    seg = r"([^/]+)"
    args = {"service": service, "hub_auth": hub_auth, "writer": StoreWriter(service)}
    return web.Application([
        (prefix + r"api/me", MeHandler, args),
        (prefix + rf"api/attempts/{seg}/{seg}", AttemptHandler, args),
        (prefix + rf"api/attempts/{seg}/{seg}/responses/{seg}", ResponseHandler, args),
        (prefix + rf"api/attempts/{seg}/{seg}/submit", SubmitHandler, args),
        (prefix + rf"api/questions/{seg}", QuestionHandler, args),
        (prefix + rf"api/cohort/{seg}/report", CohortReportHandler, args),
        (prefix + rf"api/cohort/{seg}/{seg}", CohortHandler, args),
        (prefix + rf"api/cohort/{seg}/{seg}/{seg}", ResetHandler, args),
        (prefix + rf"api/certification/{seg}", CertificationHandler, args),
        (prefix + rf"api/attendance/{seg}", AttendanceHandler, args),
        (prefix + rf"api/attendance/{seg}/{seg}/{seg}", AttendanceRecordHandler, args),
    ], xsrf_cookies=False, cookie_secret=None)


def check_private(path: Path) -> None:
    """Refuse to serve keys that other accounts could read (a packaging or deployment mistake)."""
    for p in [path, *sorted(path.glob("*.yaml"))]:
        mode = p.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeysUnavailableError(f"readable by other accounts (mode {stat.filemode(mode)})", file=p,
                                       hint="chmod 700 the keys folder and 600 its files, owned by the service's account")


def main(argv: list[str] | None = None) -> int:
    """Entry point for JupyterHub's managed service."""
    from jupyterhub.services.auth import HubAuth

    from .settings import get_settings
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s sets-assessment] %(message)s")
    os.umask(0o077)
    settings = get_settings()
    try:
        if settings.keys_dir is None:
            raise KeysUnavailableError("SETS_KEYS_DIR is not set")
        check_private(settings.keys_dir)
        load_keys()  # fail now, with the file and id, rather than at a learner's submission
    except SetsError as exc:
        print(f"sets-assessment: cannot start: {exc}", file=sys.stderr)
        return 2
    service = AssessmentService()
    service.store  # opens and migrates the store now
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    app = make_app(service, HubAuth(), prefix)
    server = HTTPServer(app, xheaders=True)
    server.listen(url.port or 80, url.hostname or "127.0.0.1")
    log.info("listening on %s%s (store %s)", url.geturl().rstrip("/"), prefix, service.store.engine.url.render_as_string(hide_password=True))
    ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
