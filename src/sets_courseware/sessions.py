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


def export_slides(notebook, out_dir, audience: str = "learners", execute: bool = True):
    """Reveal.js slides of a session notebook; the learners' version drops the trainer notes."""
    from pathlib import Path

    import nbformat
    from nbconvert import SlidesExporter
    from nbconvert.preprocessors import ExecutePreprocessor, TagRemovePreprocessor
    from traitlets.config import Config

    if audience not in ("learners", "trainers"):
        raise ValueError("audience is 'learners' or 'trainers'")
    notebook, out_dir = Path(notebook), Path(out_dir)
    nb = nbformat.read(notebook, as_version=4)
    if execute:
        ExecutePreprocessor(timeout=120, kernel_name="python3").preprocess(nb, {"metadata": {"path": str(notebook.parent)}})
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"trainer-notes"} if audience == "learners" else set()
    config.TagRemovePreprocessor.remove_input_tags = {"setup"}
    config.TemplateExporter.exclude_input = True
    exporter = SlidesExporter(config=config)
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{notebook.stem}.{audience}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target
