"""What the notebooks and banks actually cover, per sub-topic and language."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from .content import LANGS, Banks, Catalog, banks, catalog
from .settings import get_settings

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒ0-9]+(?:['’-][A-Za-zÀ-ÖØ-öø-ÿœŒ0-9]+)*")
_NOT_PROSE = re.compile(r"```.*?```|<[^>]+>|\]\([^)]*\)|https?://\S+", re.S)
LESSON_ROLES = {"lesson", "md", "case", "exercise"}


def count_words(markdown: str) -> int:
    return len(_WORD.findall(_NOT_PROSE.sub(" ", markdown)))


@dataclass
class Row:
    subtopic: str
    lang: str
    lesson_words: int = 0
    formative_items: int = 0
    exercises: int = 0
    summative_items: int = 0
    quiz_items: int = 0


def module_notebook(module_id: str, lang: str, notebooks_dir: Path | None = None) -> Path:
    cat = catalog()
    module = cat.module(module_id)
    base = notebooks_dir or get_settings().notebooks_dir
    return base / cat.course(module.course_id).folder / lang / module.notebook_name()


def measure(cat: Catalog | None = None, banks_: Banks | None = None,
            notebooks_dir: Path | None = None, course_id: str | None = None) -> list[Row]:
    cat = cat or catalog()
    banks_ = banks_ or banks()
    courses = [cat.course(course_id)] if course_id else cat.courses
    rows: dict[tuple[str, str], Row] = {}
    for course in courses:
        for module in course.modules:
            for lang in LANGS:
                for st in module.subtopics:
                    rows[(st.id, lang)] = Row(st.id, lang)
                path = module_notebook(module.id, lang, notebooks_dir)
                if path.exists():
                    nb = nbformat.read(path, as_version=4)
                    for cell in nb.cells:
                        meta = cell.metadata.get("sets", {})
                        row = rows.get((meta.get("subtopic"), lang))
                        if row is None:
                            continue
                        role = meta.get("role")
                        if cell.cell_type == "markdown" and role in LESSON_ROLES:
                            row.lesson_words += count_words(cell.source)
                        if role == "check":
                            row.formative_items += sum(1 for i in meta.get("items", []) if i in banks_.formative)
                        if role == "exercise":
                            row.exercises += 1
                for q in banks_.by_module.get(module.id, []):
                    for st in q.subtopics:
                        if (st, lang) in rows:
                            rows[(st, lang)].summative_items += 1
                for q in banks_.quiz_by_module.get(module.id, []):
                    for st in q.subtopics:
                        if (st, lang) in rows:
                            rows[(st, lang)].quiz_items += 1
    return list(rows.values())


def as_json(rows: list[Row]) -> list[dict]:
    return [asdict(r) for r in rows]


def table(rows: list[Row], min_words: int = 400, min_checks: int = 2) -> str:
    head = f"{'sub-topic':<10} {'lang':<4} {'words':>6} {'checks':>6} {'exerc.':>6} {'assess':>6} {'quiz':>5}  status"
    lines = [head, "-" * len(head)]
    for r in rows:
        missing = []
        if r.lesson_words < min_words:
            missing.append("lesson" if r.lesson_words == 0 else "short lesson")
        if r.formative_items < min_checks:
            missing.append("checks")
        if r.summative_items == 0:
            missing.append("no assessment item")
        if r.quiz_items == 0:
            missing.append("no module-quiz item")
        status = "ok" if not missing else "missing: " + ", ".join(missing)
        lines.append(f"{r.subtopic:<10} {r.lang:<4} {r.lesson_words:>6} {r.formative_items:>6} {r.exercises:>6} "
                     f"{r.summative_items:>6} {r.quiz_items:>5}  {status}")
    done = sum(1 for r in rows if r.lesson_words >= min_words and r.formative_items >= min_checks)
    lines.append(f"\n{done}/{len(rows)} rows complete (≥ {min_words} words and ≥ {min_checks} checks)")
    return "\n".join(lines)
