"""`sets`: the one command line of the product (authors, graders, trainers)."""

from __future__ import annotations

import argparse
import json
import sys

from .errors import SetsError


def _catalog(args) -> int:
    from .content import catalog
    cat = catalog()
    if args.json:
        print(json.dumps(cat.to_json(), ensure_ascii=False, indent=1))
        return 0
    lang = args.lang
    for course in cat.courses:
        print(f"{course.id}  {course.short_title(lang)}  ({course.duration_h} h, EQF {course.eqf_level})")
        for m in course.modules:
            print(f"  {m.id}  {m.title(lang)}  [{m.duration_min} min, DigComp {', '.join(m.digcomp)}]")
            for s in m.subtopics:
                mark = " *" if s.completed else ""
                print(f"      {s.id}  {s.title(lang)}{mark}")
    print("\n* completed by the project (cut off in the programme documents)")
    return 0


def _validate(args) -> int:
    from .validate import validate
    counts = validate(check_notebooks=not args.no_notebooks, complete=not args.partial)
    if args.json:
        print(json.dumps(counts))
    else:
        print("valid: " + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "languages"))
    return 0


def _coverage(args) -> int:
    from .coverage import as_json, measure, table
    rows = measure(course_id=args.course)
    print(json.dumps(as_json(rows), ensure_ascii=False, indent=1) if args.json else table(rows))
    return 0


def _build(args) -> int:
    from .authoring import build_all
    changed = build_all(check_only=args.check)
    for path in changed:
        print(("stale: " if args.check else "built: ") + str(path))
    if args.check and changed:
        return 1
    if not changed:
        print("notebooks up to date")
    return 0


def _serve(args) -> int:
    from pathlib import Path

    from .serve import main
    from .settings import repo_root
    root = Path(args.root) if args.root else repo_root()
    if root is None:
        raise SetsError("no course folder to serve", hint="pass --root with the folder holding notebooks/ and voila_app/")
    return main(root, args.port, open_browser=not args.no_browser)


def _dashboard(args) -> int:
    from pathlib import Path

    from .settings import repo_root
    if args.export:
        from .cohort import cohort_source
        from .dashboard import export_files
        for path in export_files(cohort_source(), args.course, Path(args.export), args.lang):
            print(f"written: {path}")
        return 0
    from .serve import DASHBOARD_PAGE, main
    root = Path(args.root) if args.root else repo_root()
    if root is None:
        raise SetsError("no course folder to serve", hint="pass --root with the folder holding voila_app/")
    return main(root, args.port, open_browser=not args.no_browser, page_path=DASHBOARD_PAGE)


def _add_grading(sub) -> None:
    from . import grading_cli
    grading_cli.register(sub)


def _add_store(sub) -> None:
    from . import store_cli
    store_cli.register(sub)


def _add_privacy(sub) -> None:
    from . import privacy_cli
    privacy_cli.register(sub)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sets", description="SETS courseware: content, grading and the adaptive path.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("catalog", help="print the courses, modules and sub-topics")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.set_defaults(func=_catalog)

    p = sub.add_parser("validate", help="check catalog, banks, keys and notebooks; non-zero exit on any problem")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-notebooks", action="store_true", help="skip the notebook checks")
    p.add_argument("--partial", action="store_true", help="do not require 5 questions in every module")
    p.set_defaults(func=_validate)

    p = sub.add_parser("coverage", help="what each sub-topic has: lesson words, checks, exercises, quiz items")
    p.add_argument("--json", action="store_true")
    p.add_argument("--course", help="only this course id")
    p.set_defaults(func=_coverage)

    p = sub.add_parser("build", help="build the notebooks from content/ sources")
    p.add_argument("--check", action="store_true", help="only report stale notebooks (exit 1 if any)")
    p.set_defaults(func=_build)

    p = sub.add_parser("serve", help="serve JupyterLab and the Voilà path page on 127.0.0.1 (token-protected)")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--no-browser", action="store_true", help="only print the tokenised URL of the path page")
    p.add_argument("--root", help="folder with notebooks/ and voila_app/ (default: this checkout)")
    p.set_defaults(func=_serve)

    p = sub.add_parser("dashboard", help="trainers: serve (and open) the cohort dashboard, or --export its files")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--no-browser", action="store_true", help="only print the tokenised URL of the dashboard")
    p.add_argument("--root", help="folder with notebooks/ and voila_app/ (default: this checkout)")
    p.add_argument("--export", metavar="DIR", help="write the CSV files and the PDF report of --course to DIR")
    p.add_argument("--course", help="course id (with --export)")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.set_defaults(func=_dashboard)

    for register in (_add_grading, _add_store, _add_privacy):
        try:
            register(sub)
        except ImportError:
            pass

    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except SetsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
