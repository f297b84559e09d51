"""Live-session helpers: the scenario-challenge bank and the choice of challenges for a cohort."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .content import DATA_DIR, _pydantic_errors, _read_yaml, catalog
from .errors import ContentError, ContentErrors


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChallengeText(_M):
    title: str = Field(min_length=1)
    situation: str = Field(min_length=1)
    task: str = Field(min_length=1)
    debrief: str = Field(min_length=1)


class Challenge(_M):
    id: str
    subtopics: list[str] = Field(min_length=1)
    minutes: int
    fr: ChallengeText
    en: ChallengeText


class ChallengeBank(_M):
    course: str
    challenges: list[Challenge]


@lru_cache(maxsize=None)
def challenges(course_id: str) -> list[Challenge]:
    path = DATA_DIR / "challenges" / f"{course_id}.yaml"
    catalog().course(course_id)
    return load_challenges(path, course_id) if path.exists() else []


def load_challenges(path, course_id: str) -> list[Challenge]:
    """Read and check a challenge bank: every sub-topic must belong to the course."""
    data = _read_yaml(path)
    try:
        bank = ChallengeBank.model_validate(data)
    except ValidationError as exc:
        raise ContentErrors(_pydantic_errors(exc, path, data, "challenges")) from None
    known = {s.id for s in catalog().course(course_id).subtopics}
    for ch in bank.challenges:
        for st in ch.subtopics:
            if st not in known:
                raise ContentError(f"unknown sub-topic '{st}'", file=path, item=ch.id, field="subtopics")
    return bank.challenges


def pick_challenges(course_id: str, subtopic_scores: dict[str, float] | None, n: int = 4,
                    pool: list[Challenge] | None = None) -> list[Challenge]:
    """The n challenges that best target the cohort's weakest sub-topics (lowest mean score first).

    A challenge's need is the mean shortfall (100 - score) over its sub-topics; sub-topics with
    no score count as 50 (unknown). Ties keep the bank's order, so the choice is reproducible.
    """
    pool = challenges(course_id) if pool is None else pool
    if not subtopic_scores:
        return pool[:n]

    def need(ch: Challenge) -> float:
        return sum(100 - subtopic_scores.get(st, 50) for st in ch.subtopics) / len(ch.subtopics)

    ranked = sorted(enumerate(pool), key=lambda pair: (-need(pair[1]), pair[0]))
    return [ch for _, ch in ranked[:n]]
