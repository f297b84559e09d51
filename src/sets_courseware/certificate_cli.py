"""`sets certificate …` (issuer side and anyone's verify) and `sets attendance …` (trainers)."""

from __future__ import annotations

import csv
import getpass
import json
import os
import sys
from pathlib import Path


def _settings():
    from .settings import get_settings
    return get_settings()


def _dir(value: str | None, default: Path | None) -> Path | None:
    return Path(value) if value else default


# -- certificates ----------------------------------------------------------------------
def _init_issuer(args) -> int:
    from .issuer import KEY_FILE, init_issuer
    s = _settings()
    signing = _dir(args.signing_dir, s.signing_dir)
    issuer_dir = _dir(args.issuer_dir, s.issuer_dir)
    issuer = init_issuer(signing, issuer_dir, args.url or s.issuer_url, replace=args.replace)
    print(f"issuer: {issuer.id}")
    print(f"private key (owner-only, keep with the issuing account): {signing / KEY_FILE}")
    print(f"published identity and status list (ship and publish at {issuer.url}): {issuer_dir}")
    return 0


def _learners_for(args, store) -> list[str]:
    if args.learner:
        return [args.learner]
    names = {name for name, _, _ in store.submitted(args.course, "initial", args.cohort)}
    names |= {r["learner"] for r in store.attendance(args.course, cohort=args.cohort)}
    return sorted(names)


def _issue(args) -> int:
    from .certificates import NotEligibleError, issue
    from .certification import explain
    from .errors import SetsError
    from .store import Store
    s = _settings()
    store = Store.default()
    learners = _learners_for(args, store)
    if not learners:
        print(f"no learner with results in course {args.course}" + (f" (cohort {args.cohort})" if args.cohort else ""),
              file=sys.stderr)
        return 1
    out = _dir(args.out, s.graders_dir / "certificates" if s.graders_dir else Path("certificates"))
    issued, refused = 0, 0
    for learner in learners:
        try:
            done = issue(learner, args.course, out, store=store, signing_dir=_dir(args.signing_dir, s.signing_dir),
                         issuer_dir=_dir(args.issuer_dir, s.issuer_dir), lang=args.lang)
        except NotEligibleError as exc:
            refused += 1
            print(f"not issued: {learner} — missing:")
            for check in exc.verdict.missing():
                print(f"    - [{check.rule}] {explain(check, 'en')}")
            continue
        except SetsError as exc:
            if len(learners) == 1 or "signing key" in str(exc) or "issuer" in type(exc).__name__.lower():
                raise  # a missing or wrong key stops everything: nothing is issued
            refused += 1
            print(f"not issued: {learner} — {exc}")
            continue
        issued += 1
        print(f"issued: {learner} — code {done.code}: {done.pdf_path}, {done.json_path}, {done.jwt_path}")
    print(f"{issued} issued, {refused} not issued")
    return 0 if issued else 1


def _verify(args) -> int:
    from .certificates import CredentialError, verify_file, verify_token
    from .issuer import STATUS_FILE, load_issuer, read_status_list
    s = _settings()
    issuer_dir = _dir(args.issuer_dir, s.issuer_dir)
    try:
        if args.code:
            from .store import Store
            from .certificates import code_of
            found = Store.default().certificates(code=code_of(args.code))
            if not found:
                print(f"INVALID: no certificate with code {args.code} was issued here", file=sys.stderr)
                return 1
            issuer = load_issuer(issuer_dir)
            bits = read_status_list(_dir(args.status_list, issuer_dir / STATUS_FILE), issuer)
            result = verify_token(found[0]["jwt"], issuer, bits)
        elif args.file:
            result = verify_file(Path(args.file), issuer_dir, _dir(args.status_list, None))
        else:
            print("error: give a credential file (.pdf, .json, .jwt) or --code", file=sys.stderr)
            return 2
    except CredentialError as exc:
        print(f"INVALID: {exc}", file=sys.stderr)
        return 1
    cred = result.credential
    subject = cred["credentialSubject"]
    if args.json:
        print(json.dumps({"valid": True, "code": result.code, "credential": cred}, ensure_ascii=False, indent=1))
        return 0
    print(f"valid: {subject['identifier'][0]['identityHash']} — {cred['name']}")
    print(f"  issued {cred['validFrom']} by {cred['issuer']['name']} ({result.issuer.id})")
    print(f"  competence MCQ {subject['result'][0]['value']} %, code {result.code}, not revoked "
          f"(status list index {cred['credentialStatus']['statusListIndex']})")
    return 0


def _revoke(args) -> int:
    from .certificates import revoke
    s = _settings()
    done = revoke(args.code, signing_dir=_dir(args.signing_dir, s.signing_dir),
                  issuer_dir=_dir(args.issuer_dir, s.issuer_dir))
    print(f"revoked: {done['learner']}, course {done['course']}, code {done['code']} (status list index {done['status_index']})")
    print(f"publish the updated status list: {done['status_list']}")
    return 0


def _check(args) -> int:
    from .certification import check, explain
    from .store import Store
    store = Store.default()
    rows = []
    for learner in _learners_for(args, store):
        verdict = check(learner, args.course, store=store)
        rows.append(verdict.to_json())
        if not args.json:
            print(f"{learner}: {'ready' if verdict.eligible else 'not yet'}")
            for c in verdict.checks:
                print(f"    {'✓' if c.done else '?' if c.done is None else '✗'} {explain(c, 'en')}")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


# -- attendance --------------------------------------------------------------------------
def _trainer() -> str:
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def _attendance_rows(args) -> list[dict]:
    from .store_cli import _client
    client = _client()
    if client is not None:
        return client.attendance(args.course)
    from .store import Store
    return [{**r, "at": r["at"].isoformat()} for r in Store.default().attendance(args.course, cohort=args.cohort)]


def _record(args) -> int:
    from .store_cli import _client
    present = not args.absent
    client = _client()
    for learner in args.learner:
        if client is not None:
            client.record_attendance(learner, args.course, args.session, present)
        else:
            from .store import Store
            Store.default().record_attendance(learner, args.course, args.session, present, args.by or _trainer())
        print(f"{'present' if present else 'absent'}: {learner} at session {args.session} of course {args.course}")
    return 0


def _list(args) -> int:
    rows = _attendance_rows(args)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        print(f"{r['learner']:<24} {r['session']:<6} {'present' if r['present'] else 'absent':<8} by {r['by']} {r['at']}")
    return 0


def _export(args) -> int:
    from .content import catalog
    sessions = [s.id for s in catalog().course(args.course).live_sessions]
    table: dict[str, dict[str, str]] = {}
    for r in _attendance_rows(args):
        table.setdefault(r["learner"], {})[r["session"]] = "present" if r["present"] else "absent"
    out = open(args.out, "w", newline="", encoding="utf-8") if args.out != "-" else sys.stdout
    try:
        writer = csv.writer(out)
        writer.writerow(["learner", *sessions])
        for learner in sorted(table):
            writer.writerow([learner, *(table[learner].get(s, "") for s in sessions)])
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def register(sub) -> None:
    p = sub.add_parser("certificate", help="issue, verify and revoke certificates of completion")
    c = p.add_subparsers(dest="cert_command", required=True)
    keys = {"signing": "folder of the issuer's private key (default graders/signing, SETS_SIGNING_DIR)",
                            "issuer": "published issuer folder (default the course's data/issuer, SETS_ISSUER_DIR)"}
    q = c.add_parser("init-issuer", help="create the issuer once: private key (owner-only) + published identity")
    q.add_argument("--signing-dir", help=keys["signing"])
    q.add_argument("--issuer-dir", help=keys["issuer"])
    q.add_argument("--url", help="public URL where the issuer folder is published (SETS_ISSUER_URL)")
    q.add_argument("--replace", action="store_true", help="make a new identity: earlier credentials stop verifying")
    q.set_defaults(func=_init_issuer)

    q = c.add_parser("issue", help="issue where every certification rule holds; lists what is missing otherwise")
    q.add_argument("--course", required=True)
    who = q.add_mutually_exclusive_group(required=True)
    who.add_argument("--learner")
    who.add_argument("--cohort")
    who.add_argument("--all", action="store_true", help="every learner with results in the course")
    q.add_argument("--lang", choices=["fr", "en"], help="PDF language (default: the competence MCQ's language)")
    q.add_argument("--out", help="output folder (default graders/certificates)")
    q.add_argument("--signing-dir", help=keys["signing"])
    q.add_argument("--issuer-dir", help=keys["issuer"])
    q.set_defaults(func=_issue)

    q = c.add_parser("check", help="each learner's certification rules: done, left")
    q.add_argument("--course", required=True)
    who = q.add_mutually_exclusive_group(required=True)
    who.add_argument("--learner")
    who.add_argument("--cohort")
    who.add_argument("--all", action="store_true")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_check)

    q = c.add_parser("verify", help="check a credential (.pdf, .json, .jwt or --code) against the course's issuer")
    q.add_argument("file", nargs="?")
    q.add_argument("--code", help="the short code printed on the PDF, or the QR code's address (issuer side: looks it up in the store)")
    q.add_argument("--issuer-dir", help=keys["issuer"])
    q.add_argument("--status-list", help="a status-list.jwt fetched from the issuer's URL (default the shipped one)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_verify)

    q = c.add_parser("revoke", help="revoke a credential: sets its bit in the published status list")
    q.add_argument("--code", required=True)
    q.add_argument("--signing-dir", help=keys["signing"])
    q.add_argument("--issuer-dir", help=keys["issuer"])
    q.set_defaults(func=_revoke)

    p = sub.add_parser("attendance", help="attendance at the live sessions (trainers)")
    a = p.add_subparsers(dest="attendance_command", required=True)
    q = a.add_parser("record", help="record learners present (or --absent) at a live session")
    q.add_argument("--course", required=True)
    q.add_argument("--session", required=True, help="a live-session id of the course, like 2.L1")
    q.add_argument("--learner", required=True, action="append", help="repeat for several learners")
    q.add_argument("--absent", action="store_true")
    q.add_argument("--by", help="trainer's name (default the hub user or the account)")
    q.set_defaults(func=_record)
    for name, func, text in (("list", _list, "attendance records of a course"),
                             ("export", _export, "attendance of a course as CSV (one column per session)")):
        q = a.add_parser(name, help=text)
        q.add_argument("--course", required=True)
        q.add_argument("--cohort")
        if name == "list":
            q.add_argument("--json", action="store_true")
        else:
            q.add_argument("--out", default="-", help="CSV file (default stdout)")
        q.set_defaults(func=func)
