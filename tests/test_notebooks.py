"""Every built notebook runs top to bottom in a fresh kernel; FR and EN twins have the same structure."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill
import pytest

from conftest import ROOT
from sets_courseware.authoring import parity_problems

NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def test_there_are_notebooks():
    assert any("course3_ai/fr/module_3_2.ipynb" in str(p) for p in NOTEBOOKS)


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path, monkeypatch):
    monkeypatch.setenv("SETS_HOME", str(tmp_path / "home"))
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns("sets-answers-*", ".ipynb_checkpoints"))
    # papermill raises PapermillExecutionError naming the cell and the exception on any error.
    out = papermill.execute_notebook(str(work / path.name), str(tmp_path / "out.ipynb"), cwd=str(work),
                                     kernel_name="python3", progress_bar=False, execution_timeout=240)
    assert not out.metadata.papermill.get("exception")
    # Each formative check and the quiz are shown exactly once (a returned widget would show twice).
    for cell in out.cells:
        meta = cell.metadata.get("sets", {})
        widgets = [o for o in cell.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        if meta.get("role") == "check":
            assert len(widgets) == len(meta["items"]), cell.source
        elif meta.get("role") == "quiz":
            assert len(widgets) == 1, cell.source


def test_fr_en_parity():
    problems = []
    fr = [p for p in NOTEBOOKS if p.parent.name == "fr"]
    assert fr
    for fr_path in fr:
        en_path = fr_path.parent.parent / "en" / fr_path.name
        assert en_path.exists(), f"missing English twin of {fr_path.relative_to(ROOT)}"
        problems += parity_problems(nbformat.read(fr_path, 4), nbformat.read(en_path, 4), fr_path.name)
    assert problems == []


def test_notebooks_up_to_date_with_sources():
    from sets_courseware.authoring import build_all
    assert build_all(check_only=True) == [], "run `sets build`"
