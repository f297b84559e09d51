"""Grading throughput on the real module 3.2 (French), in one run on the same submissions.

  stock     `nbgrader autograde` with nbgrader's own Execute: every cell of the module
            notebook is re-run (spaCy, scikit-learn, codecarbon exercises…): the baseline.
  ours      `sets grade autograde` (sets_courseware.batch.grade_all): each submission's
            intake copy through real `nbgrader autograde`, grade cells only, one worker per
            core; also shown with one worker.
  floor     `nbgrader autograde` of a one-cell assignment (`assert True`): a kernel start
            plus one trivial cell through nbgrader, per submission, run as one command.
  direct    the answers files scored against the keys, no kernel at all.

Every submission's score must be the same for stock, ours and direct. Targets (issue 10):
ours ≥ 10x faster than stock, and within 2x of the floor.

    .venv/bin/python bench/bench_grading.py [--stock 3] [--ours 12] [--learners 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

from sets_courseware.answers import AnswerFile  # noqa: E402
from sets_courseware.batch import grade_all  # noqa: E402
from sets_courseware.content import banks, load_quiz_keys  # noqa: E402
from sets_courseware.grading import (assignment_id, build_source, direct_scores, gradebook_scores,  # noqa: E402
                                     nbgrader)

MODULE, LANG = "3.2", "fr"
AID = assignment_id(MODULE, LANG)
PLUGIN_LINE = "c.Autograde.autograde_preprocessors = graded_cells_only()"


def course(root: Path, keys, stock: bool) -> Path:
    graders = root / ("stock" if stock else "ours") / "graders"
    graders.mkdir(parents=True)
    config = (ROOT / "graders" / "nbgrader_config.py").read_text()
    assert PLUGIN_LINE in config, "graders/nbgrader_config.py no longer enables the plug-in"
    (graders / "nbgrader_config.py").write_text(config.replace(PLUGIN_LINE, "") if stock else config)
    build_source(MODULE, LANG, keys, graders)
    nbgrader(["generate_assignment", AID, "--force"], graders)
    return graders


def floor_course(root: Path, n: int) -> Path:
    """A one-cell assignment: what any nbgrader autograde must pay per submission."""
    graders = root / "floor" / "graders"
    (graders / "source" / "trivial").mkdir(parents=True)
    (graders / "nbgrader_config.py").write_text(
        "c = get_config()\nimport os\nc.CourseDirectory.course_id = 'floor'\n"
        "c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))\n")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "trivial", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, graders / "source" / "trivial" / "trivial.ipynb")
    nbgrader(["generate_assignment", "trivial", "--force"], graders)
    for i in range(n):
        shutil.copytree(graders / "release" / "trivial", graders / "submitted" / f"learner{i:04d}" / "trivial")
    return graders


def submit(graders: Path, learners: range, qids: list[str]) -> None:
    for i in learners:
        rng = random.Random(i)  # each learner's answers do not depend on who else is submitted
        folder = graders / "submitted" / f"learner{i:04d}" / AID
        shutil.copytree(graders / "release" / AID, folder)
        af = AnswerFile(MODULE, folder)
        for q in qids:
            af.save(q, rng.choice("abcd"))


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stock", type=int, default=3, help="submissions through stock autograde (about 25 s each)")
    parser.add_argument("--ours", type=int, default=12, help="submissions through ours and the floor")
    parser.add_argument("--learners", type=int, default=200, help="submissions scored directly")
    args = parser.parse_args()
    keys = load_quiz_keys()
    qids = [q.id for q in banks().module_quiz(MODULE)]
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        stock, ours = course(Path(tmp), keys, True), course(Path(tmp), keys, False)
        ours1 = course(Path(tmp) / "one", keys, False)
        floor = floor_course(Path(tmp), args.ours)
        submit(stock, range(args.stock), qids)
        submit(ours, range(args.ours), qids)
        submit(ours1, range(args.ours), qids)
        floor_s = timed(lambda: nbgrader(["autograde", "trivial", "--create", "--force"], floor)) / args.ours
        ours_s = timed(lambda: grade_all(ours, AID, workers=workers, progress=False)) / args.ours
        ours1_s = timed(lambda: grade_all(ours1, AID, workers=1, progress=False)) / args.ours
        stock_s = timed(lambda: nbgrader(["autograde", AID, "--create", "--force"], stock)) / args.stock
        submit(ours, range(args.ours, args.learners), qids)
        t0 = time.perf_counter()
        direct = {d.student: d.score for d in direct_scores(ours, AID, keys)}
        direct_ms = 1000 * (time.perf_counter() - t0) / len(direct)
        scores = {"stock": gradebook_scores(stock, AID), "ours": gradebook_scores(ours, AID),
                  "ours_1_worker": gradebook_scores(ours1, AID)}
        agree = {name: bool(got) and all(direct[s] == v for s, v in got.items()) for name, got in scores.items()}
        same_as_stock = all(scores["ours"][s] == v for s, v in scores["stock"].items())
    result = {"module": MODULE, "workers": workers, "submissions": {"stock": args.stock, "ours": args.ours},
              "stock_s_per_submission": round(stock_s, 2), "ours_s_per_submission": round(ours_s, 2),
              "ours_1_worker_s_per_submission": round(ours1_s, 2), "floor_s_per_submission": round(floor_s, 2),
              "direct_ms_per_submission": round(direct_ms, 3),
              "speedup_vs_stock": round(stock_s / ours_s, 1), "ours_vs_floor": round(ours_s / floor_s, 2),
              "scores_agree_with_direct": agree, "ours_equal_stock": same_as_stock}
    print(json.dumps(result, indent=1))
    print(f"stock {stock_s:.1f} s/submission; ours {ours_s:.2f} s ({stock_s / ours_s:.0f}x faster, "
          f"{workers} workers; {ours1_s:.2f} s with 1); floor {floor_s:.2f} s (ours/floor {ours_s / floor_s:.2f}); "
          f"direct {direct_ms:.2f} ms")
    ok = all(agree.values()) and same_as_stock and stock_s / ours_s >= 10 and ours_s / floor_s <= 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
