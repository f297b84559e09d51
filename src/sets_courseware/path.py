"""Scoring and the adaptive-path rules, in one place: plain data in, plain data out.

Rules (defaults, configurable with SETS_MASTERED_AT and SETS_REQUIRED_BELOW, in percent):
- score >= mastered_at (80 %: 4 or 5 of 5): the module is *mastered*;
- score <  required_below (40 %: 0 or 1 of 5, at or below what guessing among 4 options
  gives on average, 25 %): the whole module is *required*;
- in between: the lessons of the sub-topics tagged on the missed questions are *suggested*;
- in a course whose catalog `path_rule` is "mandatory" (course 2, as the programme says),
  every module that is not mastered is required.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Literal, Mapping

from .content import Key, SummativeQuestion, catalog

Status = Literal["mastered", "suggested", "required"]


@dataclass(frozen=True)
class PathRules:
    mastered_at: int = 80
    required_below: int = 40

    @classmethod
    def from_env(cls) -> "PathRules":
        rules = cls(int(os.environ.get("SETS_MASTERED_AT", cls.mastered_at)),
                    int(os.environ.get("SETS_REQUIRED_BELOW", cls.required_below)))
        if not 0 <= rules.required_below <= rules.mastered_at <= 100:
            raise ValueError(f"path rules need 0 <= SETS_REQUIRED_BELOW <= SETS_MASTERED_AT <= 100, got {rules}")
        return rules


@dataclass
class ModuleResult:
    module: str
    correct: int
    total: int
    missed_subtopics: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0


@dataclass
class ModulePath:
    module: str
    percent: float
    status: Status
    subtopics: list[str]  # lessons to study: all of a required module, the missed ones of a suggested one


@dataclass
class Gain:
    module: str
    pre: float
    post: float

    @property
    def gain(self) -> float | None:
        """Normalised gain g = (post - pre) / (100 - pre); undefined when pre is already 100."""
        return None if self.pre >= 100 else (self.post - self.pre) / (100 - self.pre)


def score(course_id: str, questions: list[SummativeQuestion], responses: Mapping[str, str],
          keys: Mapping[str, Key]) -> list[ModuleResult]:
    """Per-module results of one attempt. Unanswered questions count as missed."""
    course = catalog().course(course_id)
    results = {m.id: ModuleResult(m.id, 0, 0) for m in course.modules}
    for q in questions:
        module_id = q.id.rsplit(".q", 1)[0]
        res = results[module_id]
        res.total += 1
        if responses.get(q.id) == keys[q.id].answer:
            res.correct += 1
        else:
            for st in q.subtopics:
                if st not in res.missed_subtopics:
                    res.missed_subtopics.append(st)
    for res in results.values():
        order = {s.id: i for i, s in enumerate(catalog().module(res.module).subtopics)}
        res.missed_subtopics.sort(key=order.__getitem__)
    return list(results.values())


def build_path(course_id: str, results: list[ModuleResult], rules: PathRules | None = None) -> list[ModulePath]:
    rules = rules or PathRules.from_env()
    course = catalog().course(course_id)
    out = []
    for res in results:
        module = catalog().module(res.module)
        pct = res.percent
        if pct >= rules.mastered_at:
            status: Status = "mastered"
        elif pct < rules.required_below or course.path_rule == "mandatory":
            status = "required"
        else:
            status = "suggested"
        if status == "required":
            subtopics = [s.id for s in module.subtopics]
        elif status == "suggested":
            subtopics = list(res.missed_subtopics)
        else:
            subtopics = []
        out.append(ModulePath(res.module, round(pct, 1), status, subtopics))
    return out


def gains(pre: list[ModuleResult], post: list[ModuleResult]) -> list[Gain]:
    before = {r.module: r.percent for r in pre}
    return [Gain(r.module, before.get(r.module, 0.0), r.percent) for r in post]


def subtopic_percent(questions: list[SummativeQuestion], attempts: list[Mapping[str, str]],
                     keys: Mapping[str, Key]) -> dict[str, float]:
    """Share of correct answers per sub-topic over several attempts (a cohort)."""
    right: dict[str, int] = {}
    seen: dict[str, int] = {}
    for responses in attempts:
        for q in questions:
            ok = responses.get(q.id) == keys[q.id].answer
            for st in q.subtopics:
                seen[st] = seen.get(st, 0) + 1
                right[st] = right.get(st, 0) + ok
    return {st: 100.0 * right[st] / seen[st] for st in seen}


def as_dicts(items) -> list[dict]:
    return [asdict(i) | ({"percent": i.percent} if isinstance(i, ModuleResult) else {})
            | ({"gain": i.gain} if isinstance(i, Gain) else {}) for i in items]
