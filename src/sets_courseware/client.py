"""The path page's side of the hub's assessment service: same calls as AssessmentService, over HTTP.

Holds only the learner's own hub token (JUPYTERHUB_API_TOKEN, given to every single-user
server with the scope `access:services!service=sets-assessment`); the service knows who
the learner is from that token, so the `learner` arguments below are not sent.
Standard library only: it loads with the page at no cost.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.error
import urllib.request
from urllib.parse import quote

from .content import banks
from .errors import AttemptError, SetsError, UnknownIdError
from .path import Gain, ModulePath, ModuleResult, PathRules, build_path, gains


class ServiceUnavailableError(SetsError):
    """The assessment service did not answer; nothing was lost, try again in a moment."""


class ServiceClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 15, rules: PathRules | None = None):
        self.base_url = base_url.rstrip("/") + "/"
        self.token = token if token is not None else os.environ.get("JUPYTERHUB_API_TOKEN", "")
        self.timeout = timeout
        self.rules = rules or PathRules.from_env()

    # -- HTTP -------------------------------------------------------------------
    def request(self, method: str, path: str, data: dict | None = None):
        body = None if data is None else json.dumps(data).encode()
        req = urllib.request.Request(self.base_url + path, data=body, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if body is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("message") or exc.reason
            except (ValueError, AttributeError):
                message = exc.reason
            # 502/503/504: the service or its store is restarting; nothing half-done, send it again.
            error = {409: AttemptError, 404: UnknownIdError, 502: ServiceUnavailableError,
                     503: ServiceUnavailableError, 504: ServiceUnavailableError}.get(exc.code, SetsError)
            raise error(f"assessment service: {message}", item=path.split("?")[0], hint=f"HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise ServiceUnavailableError(
                "the assessment service is not answering; your saved answers are kept, try again in a moment",
                item=self.base_url, hint=str(getattr(exc, "reason", exc))) from None
        return json.loads(raw) if raw else None

    # -- what the page calls (AssessmentService's interface) ----------------------
    def me(self) -> dict:
        return self.request("GET", "api/me")

    def questions(self, course_id: str):
        return banks().course_questions(course_id)

    def state(self, learner: str, course_id: str, kind: str) -> dict:
        st = self.request("GET", f"api/attempts/{quote(course_id)}/{quote(kind)}")
        st["submitted_at"] = dt.datetime.fromisoformat(st["submitted_at"]) if st["submitted_at"] else None
        st["results"] = [ModuleResult(**r) for r in st["results"]] if st["results"] else None
        return st

    def save(self, learner: str, course_id: str, kind: str, question_id: str, choice: str | None) -> None:
        self.request("PUT", f"api/attempts/{quote(course_id)}/{quote(kind)}/responses/{quote(question_id)}",
                     {"choice": choice})

    def submit(self, learner: str, course_id: str, kind: str) -> list[ModuleResult]:
        data = self.request("POST", f"api/attempts/{quote(course_id)}/{quote(kind)}/submit", {})
        return [ModuleResult(**r) for r in data["results"]]

    def ask(self, learner: str, course_id: str, text: str, module_id: str | None = None) -> int:
        return self.request("POST", f"api/questions/{quote(course_id)}", {"text": text, "module": module_id})["id"]

    def path(self, course_id: str, results: list[ModuleResult]) -> list[ModulePath]:
        return build_path(course_id, results, self.rules)

    def progress(self, learner: str, course_id: str) -> list[Gain] | None:
        pre = self.state(learner, course_id, "initial")["results"]
        post = self.state(learner, course_id, "final")["results"]
        if not pre or not post:
            return None
        return gains(pre, post)

    # -- trainers (scope custom:sets-cohort) --------------------------------------
    def cohort(self, course_id: str, kind: str = "initial") -> list[dict]:
        return self.request("GET", f"api/cohort/{quote(course_id)}/{quote(kind)}")

    def cohort_questions(self, course_id: str) -> list[dict]:
        return self.request("GET", f"api/cohort/{quote(course_id)}/questions")

    def cohort_report(self, course_id: str) -> dict:
        """Mastery, gains and item statistics of the cohort (cohort.CohortReport as JSON)."""
        return self.request("GET", f"api/cohort/{quote(course_id)}/report")

    def reset(self, learner: str, course_id: str, kind: str) -> None:
        self.request("DELETE", f"api/cohort/{quote(course_id)}/{quote(kind)}/{quote(learner, safe='')}")

    def certification(self, learner: str, course_id: str):
        """The caller's own certification verdict (what is done, what is left)."""
        from .certification import Verdict
        return Verdict.from_json(self.request("GET", f"api/certification/{quote(course_id)}"))

    def attendance(self, course_id: str) -> list[dict]:
        return self.request("GET", f"api/attendance/{quote(course_id)}")

    def record_attendance(self, learner: str, course_id: str, session_id: str, present: bool) -> None:
        self.request("PUT", f"api/attendance/{quote(course_id)}/{quote(session_id)}/{quote(learner, safe='')}",
                     {"present": bool(present)})
