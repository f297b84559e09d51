"""`sets reset` and `sets results`: trainer actions on the assessment store."""

from __future__ import annotations

import json


def _client():
    """On a hub (SETS_SERVICE_URL set) a trainer acts through the assessment service with their
    own token (scope custom:sets-cohort); on one machine, on the store directly."""
    from .settings import get_settings
    url = get_settings().service_url
    if not url:
        return None
    from .client import ServiceClient
    return ServiceClient(url)


def _reset(args) -> int:
    client = _client()
    if client is not None:
        client.reset(args.learner, args.course, args.kind)
    else:
        from .store import Store
        Store.default().reset(args.learner, args.course, args.kind)
    print(f"reset: {args.kind} evaluation of course {args.course} for {args.learner}")
    return 0


def _results(args) -> int:
    from .content import catalog
    catalog().course(args.course)
    client = _client()
    if client is not None:
        rows = [{"learner": r["learner"], "results": r["results"]} for r in client.cohort(args.course, args.kind)]
    else:
        from .store import Store
        rows = [{"learner": name, "results": results}
                for name, _, results in Store.default().submitted(args.course, args.kind, args.cohort)]
    print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    return 0


def register(sub) -> None:
    register_certificates(sub)
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


def _slides(args) -> int:
    from pathlib import Path

    from .content import catalog
    from .sessions import export_slides
    from .settings import get_settings
    course = catalog().course(args.course)
    folder = get_settings().notebooks_dir / course.folder / "sessions" / args.lang
    for nb_path in sorted(folder.glob("session_*.ipynb")):
        print(f"slides: {export_slides(nb_path, Path(args.out), args.audience)}")
    return 0


def register_certificates(sub) -> None:
    p = sub.add_parser("slides", help="export a course's live-session slides (learners' version without trainer notes)")
    p.add_argument("--course", required=True)
    p.add_argument("--lang", choices=["fr", "en"], default="fr")
    p.add_argument("--audience", choices=["learners", "trainers"], default="learners")
    p.add_argument("--out", default="slides")
    p.set_defaults(func=_slides)

    from . import certificate_cli
    certificate_cli.register(sub)
