"""`sets grade …`: release, autograde, direct scoring and comparison, feedback, export."""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from .content import LANGS, catalog
from .settings import get_settings


def _graders(args) -> Path:
    return Path(args.graders) if args.graders else get_settings().graders_dir


def _modules(args) -> list[str]:
    """Module quizzes to release ("3.2"), or competence MCQs ("c3") with --competence."""
    if getattr(args, "competence", None):
        return [f"c{catalog().course(c).id}" for c in args.competence]
    if args.module:
        return [catalog().module(m).id for m in args.module]
    if args.course:
        return [m.id for m in catalog().course(args.course).modules]
    return [m.id for m in catalog().modules]


def _release(args) -> int:
    from .grading import release
    langs = args.lang or list(LANGS)
    graders = _graders(args)
    for aid in release(_modules(args), langs, graders):
        print(f"released {aid}: {graders / 'release' / aid} (source with hidden tests in {graders / 'source' / aid})")
    return 0


def _autograde(args) -> int:
    from .batch import grade_all, summary_table
    graders = _graders(args)
    students = args.student or None
    if students is None and not list((graders / "submitted").glob(f"*/{args.assignment}")):
        print(f"no submissions of {args.assignment} in {graders / 'submitted'}")
        return 1
    started = time.perf_counter()
    outcomes = grade_all(graders, args.assignment, students, workers=args.workers, timeout=args.timeout)
    elapsed = time.perf_counter() - started
    if args.json:
        from dataclasses import asdict
        print(json.dumps([asdict(o) for o in outcomes], indent=1, ensure_ascii=False))
    else:
        print(summary_table(outcomes))
        print(f"{elapsed:.1f} s for {len(outcomes)} submissions ({elapsed / max(1, len(outcomes)):.2f} s each); "
              f"autograded notebooks in {graders / 'autograded'}, report in {graders / 'reports' / (args.assignment + '.json')}")
    return 3 if any(o.status != "graded" for o in outcomes) else 0


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


def _feedback(args) -> int:
    from .grading import nbgrader
    graders = _graders(args)
    nbgrader(["generate_feedback", args.assignment, "--force", *args.extra], graders)
    files = sorted((graders / "feedback").glob(f"*/{args.assignment}/*.html"))
    for f in files:
        print(f"feedback {f.relative_to(graders)}")
    print(f"{len(files)} feedback file(s) in {graders / 'feedback'}; release them to learners with "
          f"`nbgrader release_feedback {args.assignment}` on a hub")
    return 0 if files else 1


def _export(args) -> int:
    from .batch import export_rows
    from .grading import nbgrader
    graders = _graders(args)
    nbgrader(["export", *args.extra], graders)
    rows = export_rows(graders)
    out = graders / "grades-status.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["assignment", "student", "status", "nbgrader_score", "direct_score",
                                                "max_score", "agree", "reasons"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"nbgrader's grades: {graders / 'grades.csv'}")
    print(f"status and reasons per submission ({len(rows)} rows): {out}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("grade", help="grading with nbgrader: release, autograde, direct scores, feedback, export")
    g = p.add_subparsers(dest="grade_command", required=True)

    def common(q):
        q.add_argument("--graders", help="nbgrader course folder (default: graders/ of the checkout or SETS_GRADERS_DIR)")
        return q

    q = common(g.add_parser("release", help="build sources with hidden keys and run nbgrader generate_assignment"))
    q.add_argument("--module", action="append", help="module id (repeatable)")
    q.add_argument("--course")
    q.add_argument("--competence", action="append", metavar="COURSE",
                   help="the course's competence MCQ instead of module quizzes (repeatable)")
    q.add_argument("--lang", action="append", choices=list(LANGS))
    q.set_defaults(func=_release)

    q = common(g.add_parser("collect", help="nbgrader collect: learners' submissions from the exchange into submitted/"))
    q.add_argument("assignment", help="e.g. m3_2_fr")
    q.add_argument("--update", action="store_true", help="replace older collected submissions by newer ones")
    q.set_defaults(func=_collect)

    q = common(g.add_parser("autograde", help="nbgrader autograde every submission in parallel, then compare with direct scores"))
    q.add_argument("assignment", help="e.g. m3_2_fr")
    q.add_argument("--student", action="append", help="only this learner (repeatable)")
    q.add_argument("--workers", type=int, help="parallel submissions (default: one per core)")
    q.add_argument("--timeout", type=float, help="wall-clock limit per submission in seconds (default 120, SETS_GRADE_TIMEOUT)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_autograde)

    q = common(g.add_parser("direct", help="score the answers files of the submissions without running them"))
    q.add_argument("assignment")
    q.add_argument("--csv", action="store_true")
    q.set_defaults(func=_direct)

    q = common(g.add_parser("compare", help="direct vs nbgrader scores; exit 3 on any disagreement"))
    q.add_argument("assignment")
    q.set_defaults(func=_compare)

    q = common(g.add_parser("feedback", help="nbgrader generate_feedback: points, right answers and explanations"))
    q.add_argument("assignment")
    q.add_argument("extra", nargs="*", help="more nbgrader arguments")
    q.set_defaults(func=_feedback)

    q = common(g.add_parser("export", help="nbgrader export (grades.csv) plus each submission's status (grades-status.csv)"))
    q.add_argument("extra", nargs="*", help="more nbgrader arguments")
    q.set_defaults(func=_export)
