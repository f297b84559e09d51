"""Grading throughput on the real module 3.2 (French), three ways, in the same run.

  stock     `nbgrader autograde` with nbgrader's own Execute: every cell of the module
            notebook is re-run (spaCy, scikit-learn, codecarbon exercises…): the baseline.
  graded    `nbgrader autograde` with this course's configuration, which executes only
            nbgrader's cells (setup, quiz, hidden grade cells): see sets_courseware/nbgrader_ext.py.
  direct    the answers files scored against the keys, no kernel at all (`sets grade direct`).

All three score the same simulated submissions; the script checks they agree and prints
seconds per submission and the ratios against the stock baseline.

    .venv/bin/python bench/bench_grading.py [--learners 200] [--autograded 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from sets_courseware.answers import AnswerFile  # noqa: E402
from sets_courseware.content import banks, load_keys  # noqa: E402
from sets_courseware.grading import (assignment_id, build_source, direct_scores, gradebook_scores,  # noqa: E402
                                     nbgrader)

MODULE, LANG = "3.2", "fr"
PLUGIN_LINE = "c.Autograde.autograde_preprocessors = graded_cells_only()"


def course(root: Path, keys, stock: bool) -> Path:
    graders = root / ("stock" if stock else "graded") / "graders"
    graders.mkdir(parents=True)
    config = (ROOT / "graders" / "nbgrader_config.py").read_text()
    assert PLUGIN_LINE in config, "graders/nbgrader_config.py no longer enables the plug-in"
    (graders / "nbgrader_config.py").write_text(config.replace(PLUGIN_LINE, "") if stock else config)
    build_source(MODULE, LANG, keys, graders)
    nbgrader(["generate_assignment", assignment_id(MODULE, LANG), "--force"], graders)
    return graders


def submit(graders: Path, learners: range, qids: list[str]) -> None:
    aid = assignment_id(MODULE, LANG)
    for i in learners:
        rng = random.Random(i)  # each learner's answers do not depend on who else is submitted
        folder = graders / "submitted" / f"learner{i:04d}" / aid
        shutil.copytree(graders / "release" / aid, folder)
        af = AnswerFile(MODULE, folder)
        for q in qids:
            af.save(q, rng.choice("abcd"))


def autograde(graders: Path, n: int) -> float:
    """One `nbgrader autograde` over every submission present, as a grader runs it."""
    t0 = time.perf_counter()
    nbgrader(["autograde", assignment_id(MODULE, LANG), "--create", "--force"], graders)
    return (time.perf_counter() - t0) / n


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=200, help="submissions scored directly")
    parser.add_argument("--autograded", type=int, default=5, help="submissions run through each autograde")
    args = parser.parse_args()
    keys = load_keys()
    aid = assignment_id(MODULE, LANG)
    qids = [q.id for q in banks().module_questions(MODULE)]
    with tempfile.TemporaryDirectory() as tmp:
        stock, graded = course(Path(tmp), keys, True), course(Path(tmp), keys, False)
        submit(stock, range(args.autograded), qids)
        submit(graded, range(args.autograded), qids)
        stock_s = autograde(stock, args.autograded)
        graded_s = autograde(graded, args.autograded)
        submit(graded, range(args.autograded, args.learners), qids)
        t0 = time.perf_counter()
        direct = direct_scores(graded, aid, keys)
        direct_s = (time.perf_counter() - t0) / len(direct)
        by_direct = {d.student: d.score for d in direct}
        agree = {name: all(by_direct[s] == v for s, v in gradebook_scores(g, aid).items())
                 for name, g in (("stock", stock), ("graded", graded))}
    result = {"module": MODULE, "autograded": args.autograded, "learners_direct": args.learners,
              "stock_s_per_submission": round(stock_s, 2), "graded_s_per_submission": round(graded_s, 2),
              "direct_ms_per_submission": round(1000 * direct_s, 3),
              "graded_vs_stock": round(graded_s / stock_s, 3), "direct_vs_stock": round(direct_s / stock_s, 5),
              "scores_agree_with_direct": agree}
    print(json.dumps(result, indent=1))
    print(f"stock autograde {stock_s:.1f} s/submission; graded-cells-only {graded_s:.1f} s "
          f"({stock_s / graded_s:.1f}x faster); direct {1000 * direct_s:.2f} ms ({stock_s / direct_s:.0f}x faster)")
    return 0 if all(agree.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
