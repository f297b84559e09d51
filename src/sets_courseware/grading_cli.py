"""`sets grade …`: release, autograde, direct scoring and comparison, feedback, export."""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from .content import LANGS, catalog
from .settings import get_settings


def _graders(args) -> Path:
    return Path(args.graders) if args.graders else get_settings().graders_dir


def _modules(args) -> list[str]:
    if args.module:
        return [catalog().module(m).id for m in args.module]
    if args.course:
        return [m.id for m in catalog().course(args.course).modules]
    return [m.id for m in catalog().modules]


def _release(args) -> int:
    from .grading import release
    langs = args.lang or list(LANGS)
    for aid in tqdm(release(_modules(args), langs, _graders(args)), desc="released", disable=not sys.stderr.isatty()):
        print(f"released {aid}")
    return 0


def _autograde(args) -> int:
    from .grading import compare, nbgrader
    graders = _graders(args)
    students = sorted(p.parent.name for p in (graders / "submitted").glob(f"*/{args.assignment}"))
    if not students:
        print(f"no submissions of {args.assignment} in {graders / 'submitted'}")
        return 1
    started = time.perf_counter()
    for student in tqdm(students, desc=f"autograde {args.assignment}", unit="submission"):
        nbgrader(["autograde", args.assignment, "--student", student, "--create", "--force"], graders)
    elapsed = time.perf_counter() - started
    rows = compare(graders, args.assignment)
    bad = [r for r in rows if not r["agree"]]
    print(json.dumps({"assignment": args.assignment, "submissions": len(students),
                      "seconds_per_submission": round(elapsed / len(students), 2),
                      "disagreements": bad}, indent=1))
    return 3 if bad else 0


def _direct(args) -> int:
    from .grading import direct_scores
    rows = [vars(d) for d in direct_scores(_graders(args), args.assignment)]
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=["student", "assignment", "score", "max_score", "problem"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
    return 0


def _compare(args) -> int:
    from .grading import compare
    rows = compare(_graders(args), args.assignment)
    print(json.dumps(rows, indent=1, ensure_ascii=False))
    return 3 if any(not r["agree"] for r in rows) else 0


def _collect(args) -> int:
    """nbgrader collect from the exchange (on a hub), then say what landed where."""
    from .grading import nbgrader
    graders = _graders(args)
    before = {p.parent.name: p.stat().st_mtime for p in (graders / "submitted").glob(f"*/{args.assignment}")}
    nbgrader(["collect", args.assignment, *(["--update"] if args.update else [])], graders)
    now = {p.parent.name: p for p in (graders / "submitted").glob(f"*/{args.assignment}")}
    new = sorted(s for s, p in now.items() if before.get(s) != p.stat().st_mtime)
    for student in new:
        print(f"collected {student}: {now[student]}")
    print(f"{len(new)} new submission(s) of {args.assignment}; {len(now)} in {graders / 'submitted'}")
    return 0


def _passthrough(name: str):
    def run(args) -> int:
        from .grading import nbgrader
        extra = [args.assignment] if getattr(args, "assignment", None) else []
        proc = nbgrader([name, *extra, *args.extra], _graders(args))
        print(proc.stdout, end="")
        return 0
    return run


def register(sub) -> None:
    p = sub.add_parser("grade", help="grading with nbgrader: release, autograde, direct scores, feedback, export")
    g = p.add_subparsers(dest="grade_command", required=True)

    def common(q):
        q.add_argument("--graders", help="nbgrader course folder (default: graders/ of the checkout or SETS_GRADERS_DIR)")
        return q

    q = common(g.add_parser("release", help="build sources with hidden keys and run nbgrader generate_assignment"))
    q.add_argument("--module", action="append", help="module id (repeatable)")
    q.add_argument("--course")
    q.add_argument("--lang", action="append", choices=list(LANGS))
    q.set_defaults(func=_release)

    q = common(g.add_parser("collect", help="nbgrader collect: learners' submissions from the exchange into submitted/"))
    q.add_argument("assignment", help="e.g. m3_2_fr")
    q.add_argument("--update", action="store_true", help="replace older collected submissions by newer ones")
    q.set_defaults(func=_collect)

    q = common(g.add_parser("autograde", help="nbgrader autograde every submission, then compare with direct scores"))
    q.add_argument("assignment", help="e.g. m3_2_fr")
    q.set_defaults(func=_autograde)

    q = common(g.add_parser("direct", help="score the answers files of the submissions without running them"))
    q.add_argument("assignment")
    q.add_argument("--csv", action="store_true")
    q.set_defaults(func=_direct)

    q = common(g.add_parser("compare", help="direct vs nbgrader scores; exit 3 on any disagreement"))
    q.add_argument("assignment")
    q.set_defaults(func=_compare)

    for name, helptext in [("generate_feedback", "nbgrader generate_feedback"), ("export", "nbgrader export (CSV)")]:
        q = common(g.add_parser(name.replace("generate_", ""), help=helptext))
        if name != "export":
            q.add_argument("assignment")
        q.add_argument("extra", nargs="*", help="more nbgrader arguments")
        q.set_defaults(func=_passthrough(name))
