"""`sets learner export|erase|purge` (GDPR rights and retention) and `sets backup|restore` (the store)."""

from __future__ import annotations

import json
from pathlib import Path


def _deployment(args):
    from .privacy import Deployment
    return Deployment.from_settings(
        graders=Path(args.graders) if args.graders else None,
        exchange=Path(args.exchange) if args.exchange else None,
        certificates=Path(args.certificates) if args.certificates else None,
        home=args.home)


def _print_receipt(receipt, as_json: bool) -> None:
    if as_json:
        print(json.dumps(receipt.to_json(), ensure_ascii=False, indent=1))
        return
    print(f"{receipt.action}: {receipt.learner} ({receipt.at})")
    if not receipt.removed:
        print("  nothing held: nothing removed")
    for r in receipt.removed:
        print(f"  removed  {r['place']:<12} {r['what']}  —  {r['source']}")


def _export(args) -> int:
    from .privacy import export
    out = Path(args.out or f"sets-export-{args.learner}.zip")
    index = export(args.learner, out, _deployment(args))
    if args.json:
        print(json.dumps({"zip": str(out), **index}, ensure_ascii=False, indent=1))
    else:
        print(f"export: {out} ({len(index['items'])} item(s))")
        for place, n in index["places"].items():
            print(f"  {place:<12} {n}")
    return 0


def _erase(args) -> int:
    from .privacy import erase
    _print_receipt(erase(args.learner, _deployment(args)), args.json)
    return 0


def _purge(args) -> int:
    from .privacy import purge
    receipts = purge(_deployment(args), days=args.days, dry_run=args.dry_run)
    if args.json:
        print(json.dumps([r.to_json() for r in receipts], ensure_ascii=False, indent=1))
    elif not receipts:
        print("purge: no learner past the retention period")
    for r in receipts if not args.json else ():
        _print_receipt(r, False)
    return 0


def _backup(args) -> int:
    from .backup import backup
    from .settings import get_settings
    print(f"backup: {backup(get_settings().db_url, Path(args.out))}")
    return 0


def _restore(args) -> int:
    from .backup import restore
    from .settings import get_settings
    restore(get_settings().db_url, Path(args.file))
    print(f"restored the store from {args.file}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("learner", help="a learner's personal data: export, erase; purge past the retention period")
    c = p.add_subparsers(dest="learner_command", required=True)

    def where(q):
        q.add_argument("--home", help="the learner's folder with their notebooks; {learner} is replaced "
                                      "(on a hub: /home/{learner}); locally notebooks/ of the local learner")
        q.add_argument("--graders", help="nbgrader course folder (default graders/ or SETS_GRADERS_DIR)")
        q.add_argument("--exchange", help="nbgrader exchange root (default SETS_EXCHANGE)")
        q.add_argument("--certificates", help="certificates folder (default SETS_CERTIFICATES_DIR)")
        q.add_argument("--json", action="store_true")
        return q

    q = where(c.add_parser("export", help="everything held on a learner as one ZIP (index.json, summaries FR/EN)"))
    q.add_argument("--learner", required=True)
    q.add_argument("--out", help="ZIP to write (default sets-export-<learner>.zip)")
    q.set_defaults(func=_export)
    q = where(c.add_parser("erase", help="remove a learner's data everywhere; prints a receipt (idempotent)"))
    q.add_argument("--learner", required=True)
    q.set_defaults(func=_erase)
    q = where(c.add_parser("purge", help="erase every learner inactive for longer than SETS_RETENTION_DAYS"))
    q.add_argument("--days", type=int, help="retention in days (default SETS_RETENTION_DAYS, 365)")
    q.add_argument("--dry-run", action="store_true", help="only list who is due")
    q.set_defaults(func=_purge)

    p = sub.add_parser("backup", help="back up the store (SQLite online backup; pg_dump for PostgreSQL)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_backup)
    p = sub.add_parser("restore", help="replace the store's content by a backup made with `sets backup`")
    p.add_argument("file")
    p.set_defaults(func=_restore)
