"""Grading throughput: stock `nbgrader autograde` vs the direct scoring of answers files.

Both run in the same run on the same simulated submissions of module 3.2 (French); the
ratio of seconds per submission is printed. nbgrader re-executes each notebook (about 1 s
per small widget notebook on this kind of machine, more for a full module); the direct
path reads each answers file and compares it with the keys.

    .venv/bin/python bench/bench_grading.py [--learners 200] [--autograded 4]
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
from sets_courseware.grading import (assignment_id, build_source, compare, direct_scores,  # noqa: E402
                                     nbgrader)

MODULE, LANG = "3.2", "fr"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--autograded", type=int, default=4, help="submissions run through nbgrader autograde")
    args = parser.parse_args()
    keys = load_keys()
    aid = assignment_id(MODULE, LANG)
    qids = [q.id for q in banks().module_questions(MODULE)]
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        graders = Path(tmp) / "graders"
        graders.mkdir()
        shutil.copy(ROOT / "graders" / "nbgrader_config.py", graders)
        build_source(MODULE, LANG, keys, graders)
        nbgrader(["generate_assignment", aid, "--force"], graders)
        for i in range(args.learners):
            folder = graders / "submitted" / f"learner{i:04d}" / aid
            shutil.copytree(graders / "release" / aid, folder)
            af = AnswerFile(MODULE, folder)
            for q in qids:
                af.save(q, rng.choice("abcd"))
        t0 = time.perf_counter()
        direct = direct_scores(graders, aid, keys)
        direct_s = (time.perf_counter() - t0) / len(direct)
        t0 = time.perf_counter()
        for i in range(args.autograded):
            nbgrader(["autograde", aid, "--student", f"learner{i:04d}", "--create", "--force"], graders)
        nbg_s = (time.perf_counter() - t0) / args.autograded
        rows = compare(graders, aid, keys)
        agree = sum(1 for r in rows if r["nbgrader"] is not None and r["agree"])
    result = {"learners": args.learners, "autograded": args.autograded,
              "nbgrader_s_per_submission": round(nbg_s, 3), "direct_ms_per_submission": round(1000 * direct_s, 3),
              "speedup": round(nbg_s / direct_s, 1), "agreeing_on_autograded": agree}
    print(json.dumps(result, indent=1))
    print(f"nbgrader autograde {nbg_s:.2f} s/submission vs direct {1000 * direct_s:.2f} ms/submission: "
          f"{nbg_s / direct_s:.0f}x faster; {result['agreeing_on_autograded']}/{args.autograded} autograded agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
