"""Helpers shared by the exercises: bundled datasets, feedback display, result objects."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SetsError
from ..settings import PACKAGE_DIR

DATASETS = PACKAGE_DIR / "datasets"


def lang_of(lang: str) -> str:
    """The language feedback is given in: English when asked for, otherwise French (the course's first)."""
    return "en" if lang == "en" else "fr"


def dataset_path(relative: str) -> Path:
    """Path of a dataset shipped with the package, e.g. 'course2_digital/analytics.csv'."""
    path = DATASETS / relative
    if not path.exists():
        raise SetsError("dataset not found", file=relative,
                        hint=f"bundled datasets live in {DATASETS.name}/; see its README.md")
    return path


@dataclass
class CheckResult:
    """What a checker found: overall verdict, score and one message per finding."""

    ok: bool
    score: float = 0.0
    messages: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def _repr_html_(self) -> str:
        colour = "#1b5e20" if self.ok else "#8a1c1c"
        items = "".join(f"<li>{html.escape(m)}</li>" for m in self.messages)
        return (f'<div role="status" style="border-left:4px solid {colour};padding-left:0.7em">'
                f'<strong style="color:{colour}">{"✔" if self.ok else "✘"} {self.score:.0%}</strong>'
                f'<ul>{items}</ul></div>')


def show(result: CheckResult) -> CheckResult:
    from IPython.display import display
    display(result)
    return result
