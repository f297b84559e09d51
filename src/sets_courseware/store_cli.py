"""`sets reset` and `sets results`: trainer actions on the assessment store."""

from __future__ import annotations

import json


def _reset(args) -> int:
    from .store import Store
    Store.default().reset(args.learner, args.course, args.kind)
    print(f"reset: {args.kind} evaluation of course {args.course} for {args.learner}")
    return 0


def _results(args) -> int:
    from .content import catalog
    from .store import Store
    catalog().course(args.course)
    rows = [{"learner": name, "results": results}
            for name, _, results in Store.default().submitted(args.course, args.kind, args.cohort)]
    print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    return 0


def register(sub) -> None:
    p = sub.add_parser("reset", help="let a learner take an evaluation again (trainer)")
    p.add_argument("--learner", required=True)
    p.add_argument("--course", required=True)
    p.add_argument("--kind", choices=["initial", "final"], required=True)
    p.set_defaults(func=_reset)

    p = sub.add_parser("results", help="submitted results of a course (trainer)")
    p.add_argument("--course", required=True)
    p.add_argument("--kind", choices=["initial", "final"], default="initial")
    p.add_argument("--cohort")
    p.set_defaults(func=_results)
