"""The assessment service: self-assessment and final evaluation, scored where the keys are.

The page (Voilà) calls this; it returns per-module scores and paths, never keys nor
which answer was right.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Callable, Mapping

from .content import Key, banks, catalog, load_keys
from .path import Gain, ModulePath, ModuleResult, PathRules, build_path, gains, score


class AssessmentService:
    def __init__(self, store=None, keys: Callable[[], Mapping[str, Key]] = load_keys,
                 rules: PathRules | None = None):
        self._store = store
        self._keys = keys
        self.rules = rules or PathRules.from_env()
        self._question_ids: dict[str, frozenset[str]] = {}

    @property
    def store(self):
        """The store, opened on first use (SQLAlchemy's import is kept off the page's first paint)."""
        if self._store is None:
            from .store import Store
            self._store = Store.default()
        return self._store

    def questions(self, course_id: str):
        return banks().course_questions(course_id)

    def check_question(self, course_id: str, question_id: str) -> None:
        """UnknownIdError unless the course exists and the question is one of its self-assessment's."""
        valid = self._question_ids.get(course_id)
        if valid is None:
            catalog().course(course_id)
            valid = self._question_ids[course_id] = frozenset(q.id for q in self.questions(course_id))
        if question_id not in valid:
            from .errors import UnknownIdError
            raise UnknownIdError(f"question '{question_id}' is not in course {course_id}")

    def save(self, learner: str, course_id: str, kind: str, question_id: str, choice: str | None) -> None:
        self.check_question(course_id, question_id)
        self.store.save_response(learner, course_id, kind, question_id, choice)

    def _scorer(self, course_id: str):
        def scorer(responses: dict[str, str]) -> list[dict]:
            keys = self._keys()
            return [asdict(r) for r in score(course_id, self.questions(course_id), responses, keys)]
        return scorer

    def submit(self, learner: str, course_id: str, kind: str) -> list[ModuleResult]:
        catalog().course(course_id)
        return self.results_of(self.store.submit(learner, course_id, kind, self._scorer(course_id)))

    @staticmethod
    def results_of(rows: list[dict] | None) -> list[ModuleResult]:
        return [ModuleResult(**r) for r in rows or []]

    def state(self, learner: str, course_id: str, kind: str) -> dict:
        st = self.store.attempt_state(learner, course_id, kind)
        st["results"] = self.results_of(st["results"]) if st["results"] else None
        return st

    def path(self, course_id: str, results: list[ModuleResult]) -> list[ModulePath]:
        return build_path(course_id, results, self.rules)

    def ask(self, learner: str, course_id: str, text: str, module_id: str | None = None) -> int:
        """A question the learner leaves for the final live session."""
        if module_id is not None:
            module = catalog().module(module_id)
            if module.course_id != course_id:
                from .errors import UnknownIdError
                raise UnknownIdError(f"module {module_id} is not in course {course_id}")
        return self.store.add_question(learner, course_id, text, module_id)

    def progress(self, learner: str, course_id: str) -> list[Gain] | None:
        pre = self.state(learner, course_id, "initial")["results"]
        post = self.state(learner, course_id, "final")["results"]
        if not pre or not post:
            return None
        return gains(pre, post)

    def certification(self, learner: str, course_id: str):
        """Certification rules for this learner: from the store and, where readable, the gradebook."""
        from .certification import check
        return check(learner, course_id, store=self.store)


def default_service():
    """The page's assessment service: the hub's service over HTTP when SETS_SERVICE_URL is set
    (a learner's server on a hub holds no key and no store), else this code in-process."""
    from .settings import get_settings
    settings = get_settings()
    if settings.service_url:
        from .client import ServiceClient
        return ServiceClient(settings.service_url)
    return AssessmentService()
