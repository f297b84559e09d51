"""nbgrader plug-in: autograde runs only the cells that grading needs.

A module notebook is a whole lesson: exercises load spaCy, train scikit-learn models, run
OCR… Stock `nbgrader autograde` re-executes every cell of every submission, about 30 s
for module 3.2 on two cores. Grading needs only nbgrader's own cells: the locked setup
and quiz cells and the hidden grade cells, which the sanitize step has already restored
from the source. Skipping the learner's exercise cells makes autograde several times
faster and keeps learner code from running on the grading machine; the submitted
notebook itself is left untouched in `submitted/`.

Enabled in `graders/nbgrader_config.py`:

    from sets_courseware.nbgrader_ext import graded_cells_only
    c.Autograde.autograde_preprocessors = graded_cells_only()
"""

from __future__ import annotations

from nbgrader.converters.autograde import Autograde
from nbgrader.preprocessors import Execute


class ExecuteGradedCells(Execute):
    """nbgrader's Execute (same configuration section, `c.Execute.*`), for nbgrader cells only."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade_id"):
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


def graded_cells_only() -> list:
    """nbgrader's default autograde preprocessors with Execute replaced by ExecuteGradedCells."""
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    return [ExecuteGradedCells if p is Execute else p for p in defaults]
