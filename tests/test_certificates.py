"""Certificates: issued only where the rules hold, from the store and the gradebook; verifiable by a
third party against the published issuer; edits, other keys, revocation and bad input refused."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from conftest import BIN
from sets_courseware import cli
from sets_courseware.content import clear_caches

COURSE = "3"


def fake_gradebook(graders: Path, scores: dict) -> None:
    """{assignment: {student: (score, max)}} written through nbgrader's own Gradebook API."""
    from nbgrader.api import Gradebook
    graders.mkdir(parents=True, exist_ok=True)
    with Gradebook(f"sqlite:///{graders / 'gradebook.db'}") as gb:
        for assignment, by_student in scores.items():
            gb.update_or_create_assignment(assignment)
            gb.update_or_create_notebook("quiz", assignment)
            gb.update_or_create_grade_cell("q", "quiz", assignment, max_score=max(m for _, m in by_student.values()),
                                           cell_type="code")
            for student, (score, _) in by_student.items():
                gb.update_or_create_student(student)
                gb.add_submission(assignment, student)
                gb.find_grade("q", "quiz", assignment, student).manual_score = score
                gb.db.commit()


@pytest.fixture
def issuer_env(mini, monkeypatch):
    """A course with its own issuer (published dir + owner-only key), a store and a gradebook."""
    base = mini
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")  # nbgrader calls `alembic`
    monkeypatch.setenv("SETS_ISSUER_DIR", str(base / "issuer"))
    monkeypatch.setenv("SETS_SIGNING_DIR", str(base / "graders" / "signing"))
    monkeypatch.setenv("SETS_GRADERS_DIR", str(base / "graders"))
    clear_caches()
    assert cli.main(["certificate", "init-issuer"]) == 0
    from sets_courseware.store import Store
    store = Store.default()
    return base, store


def finish_course(store, graders: Path, learner: str = "Éloïse", mcq=(12, 15), sessions=("3.L1", "3.L2", "3.L3")):
    for kind in ("initial", "final"):
        store.submit(learner, COURSE, kind, lambda r: [{"module": "3.2", "correct": 3, "total": 5, "missed_subtopics": []}])
    for s in sessions:
        store.record_attendance(learner, COURSE, s, True, "tom")
    if mcq is not None:
        fake_gradebook(graders, {"c3_en": {learner: mcq}})


def issue_cli(*args) -> int:
    return cli.main(["certificate", "issue", "--course", COURSE, *args])


def verify_cli(path, *args) -> int:
    return cli.main(["certificate", "verify", str(path), *args])


def test_issue_only_when_every_rule_holds_and_say_what_is_missing(issuer_env, capsys):
    base, store = issuer_env
    out = base / "out"
    finish_course(store, base / "graders", "ana", mcq=(8, 15), sessions=("3.L1",))
    finish_course(store, base / "graders", "bo")
    store.submit("cy", COURSE, "initial", lambda r: [])
    capsys.readouterr()
    assert issue_cli("--learner", "ana", "--out", str(out)) == 1
    text = capsys.readouterr().out
    assert "not issued: ana" in text and "[competence]" in text and "53%" in text and "[attendance]" in text
    assert not out.exists() or not list(out.iterdir())
    assert issue_cli("--all", "--out", str(out)) == 0
    text = capsys.readouterr().out
    assert "issued: bo" in text and "not issued: ana" in text and "not issued: cy" in text and "[final]" in text
    assert sorted(p.name for p in out.iterdir()) == ["bo-course3.json", "bo-course3.jwt", "bo-course3.pdf"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    assert issue_cli("--learner", "bo", "--out", str(out)) == 2  # already issued: revoke first
    assert "already issued" in capsys.readouterr().err


def test_good_edited_resigned_and_revoked_credentials(issuer_env, capsys, tmp_path):
    base, store = issuer_env
    finish_course(store, base / "graders")
    assert issue_cli("--learner", "Éloïse", "--out", str(base / "out")) == 0
    capsys.readouterr()
    jwt_path, json_path, pdf_path = (base / "out" / f"Éloïse-course3.{ext}" for ext in ("jwt", "json", "pdf"))
    for path in (jwt_path, json_path, pdf_path):
        assert verify_cli(path) == 0
        assert "valid: Éloïse" in capsys.readouterr().out

    # Any edited field of the JSON.
    data = json.loads(json_path.read_text(encoding="utf-8"))
    data["credentialSubject"]["result"][0]["value"] = "100.0"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    assert verify_cli(edited) == 1
    assert "differs from the signed credential" in capsys.readouterr().err

    # The JWT's payload edited (signature kept).
    token = jwt_path.read_text().strip()
    header, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    (tmp_path / "edited.jwt").write_text(f"{header}.{forged}.{sig}")
    assert verify_cli(tmp_path / "edited.jwt") == 1
    assert "signature does not match" in capsys.readouterr().err

    # Re-signed with a key of one's own, claiming the issuer's id and kid.
    from joserfc import jwt
    from joserfc.jwk import OKPKey
    own = OKPKey.generate_key("Ed25519")
    protected = json.loads(base64.urlsafe_b64decode(header + "=="))
    (tmp_path / "resigned.jwt").write_text(jwt.encode(protected, claims, own, algorithms=["EdDSA"]))
    assert verify_cli(tmp_path / "resigned.jwt") == 1
    assert "signature does not match" in capsys.readouterr().err
    # ... and with its own kid: refused before the signature is even checked.
    (tmp_path / "own-kid.jwt").write_text(jwt.encode({**protected, "kid": "did:key:zMine#1"}, claims, own,
                                                    algorithms=["EdDSA"]))
    assert verify_cli(tmp_path / "own-kid.jwt") == 1
    assert "signed by another key" in capsys.readouterr().err

    # Revoked: the published status list says so, for the JSON, the JWT, the PDF and the code.
    code = store.certificates(COURSE, "Éloïse")[0]["code"]
    assert cli.main(["certificate", "verify", "--code", f"https://x.example/verify?code={code}"]) == 0
    assert cli.main(["certificate", "revoke", "--code", code]) == 0
    capsys.readouterr()
    for path in (jwt_path, json_path, pdf_path):
        assert verify_cli(path) == 1
        assert "revoked by the issuer" in capsys.readouterr().err
    assert cli.main(["certificate", "verify", "--code", code]) == 1
    # Revoked, it can be issued again, with a new code and a new status index.
    assert issue_cli("--learner", "Éloïse", "--out", str(base / "out2")) == 0
    rows = store.certificates(COURSE, "Éloïse")
    assert len({r["code"] for r in rows}) == 2 and len({r["status_index"] for r in rows}) == 2


def test_tampered_pdf_is_refused(issuer_env, capsys, tmp_path):
    base, store = issuer_env
    finish_course(store, base / "graders")
    assert issue_cli("--learner", "Éloïse", "--out", str(base / "out")) == 0
    raw = (base / "out" / "Éloïse-course3.pdf").read_bytes()
    # A PDF whose visible name no longer matches its credential: re-render the page with another name.
    from sets_courseware.certificates import render_pdf
    token = (base / "out" / "Éloïse-course3.jwt").read_text().strip()
    cred = json.loads((base / "out" / "Éloïse-course3.json").read_text(encoding="utf-8"))
    cred.pop("proof")
    cred["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Martin"
    (tmp_path / "renamed.pdf").write_bytes(render_pdf(token, cred, "fr"))
    assert verify_cli(tmp_path / "renamed.pdf") == 1
    assert "the PDF was altered" in capsys.readouterr().err
    # Bytes flipped inside the attached credential.
    i = raw.index(token[-30:].encode())
    (tmp_path / "flipped.pdf").write_bytes(raw[:i] + (b"A" if raw[i:i + 1] != b"A" else b"B") + raw[i + 1:])
    assert verify_cli(tmp_path / "flipped.pdf") == 1
    capsys.readouterr()
    (tmp_path / "cut.pdf").write_bytes(raw[: len(raw) // 2])
    assert verify_cli(tmp_path / "cut.pdf") == 1


def test_credential_follows_open_badges_3_and_verifies_with_another_library(issuer_env):
    """The spec's required fields, and the proof checked by jwcrypto with the published JWK only."""
    from jwcrypto import jwk, jws
    base, store = issuer_env
    finish_course(store, base / "graders")
    assert issue_cli("--learner", "Éloïse", "--out", str(base / "out")) == 0
    token = (base / "out" / "Éloïse-course3.jwt").read_text().strip()
    published = json.loads((base / "issuer" / "issuer.json").read_text())
    key = jwk.JWK(**published["verificationMethod"][0]["publicKeyJwk"])
    checker = jws.JWS()
    checker.deserialize(token)
    checker.verify(key, alg="EdDSA")
    claims = json.loads(checker.payload)
    header = checker.jose_header
    assert header["alg"] == "EdDSA" and header["kid"] == published["verificationMethod"][0]["id"]
    # OB 3.0 §8.2 VC-JWT: iss, jti and nbf beside the credential's own members.
    assert claims["iss"] == published["id"] == claims["issuer"]["id"] and claims["jti"] == claims["id"]
    assert claims["@context"][:2] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(claims["type"])
    for field in ("id", "issuer", "validFrom", "name", "credentialSubject"):
        assert claims[field]
    assert claims["issuer"]["type"] == ["Profile"] and published["id"].startswith("did:key:z6Mk")
    subject = claims["credentialSubject"]
    assert "AchievementSubject" in subject["type"] and subject["identifier"][0]["type"] == "IdentityObject"
    achievement = subject["achievement"]
    assert "Achievement" in achievement["type"]
    for field in ("id", "name", "description", "criteria"):
        assert achievement[field]
    codes = {(a["targetFramework"], a["targetCode"]) for a in achievement["alignment"]}
    assert ("European Qualifications Framework", "4") in codes
    assert {c for f, c in codes if f == "DigComp 2.2"} == {"1.2", "3.2", "4.4", "5.2"}
    assert subject["result"][0]["value"] == "80.0"
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"].endswith("/status-list.jwt") and int(status["statusListIndex"]) >= 0
    # The status list is itself signed by the issuer, and the index is clear.
    from sets_courseware.issuer import bit, decode_bits
    lst = jws.JWS()
    lst.deserialize((base / "issuer" / "status-list.jwt").read_text().strip())
    lst.verify(key, alg="EdDSA")
    status_list = json.loads(lst.payload)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert not bit(decode_bits(status_list["credentialSubject"]["encodedList"]), int(status["statusListIndex"]))


def test_pdf_in_the_learners_language_with_qr_code_and_short_code(issuer_env):
    from pypdf import PdfReader
    base, store = issuer_env
    finish_course(store, base / "graders")  # competence MCQ taken in English (c3_en)
    assert issue_cli("--learner", "Éloïse", "--out", str(base / "out")) == 0
    reader = PdfReader(base / "out" / "Éloïse-course3.pdf")
    text = reader.pages[0].extract_text()
    code = store.certificates(COURSE, "Éloïse")[0]["code"]
    assert "Certificate of completion" in text and "Éloïse" in text and code in text
    assert len(reader.pages[0].images) == 1  # the QR code
    assert reader.attachments["credential.jwt"][0].decode() == store.certificates(COURSE, "Éloïse")[0]["jwt"]
    from sets_courseware.certificates import code_of, verify_url
    assert code_of(verify_url("https://issuer.example/sets/", code)) == code


def test_signing_key_is_owner_only_and_a_missing_or_foreign_key_issues_nothing(issuer_env, capsys, tmp_path):
    base, store = issuer_env
    signing = base / "graders" / "signing"
    assert stat.S_IMODE(signing.stat().st_mode) == 0o700
    assert stat.S_IMODE((signing / "issuer_ed25519.pem").stat().st_mode) == 0o600
    finish_course(store, base / "graders")
    capsys.readouterr()
    assert issue_cli("--learner", "Éloïse", "--out", str(base / "out"), "--signing-dir", str(tmp_path / "none")) == 2
    assert "signing key is missing" in capsys.readouterr().err
    assert cli.main(["certificate", "init-issuer", "--signing-dir", str(tmp_path / "other"),
                     "--issuer-dir", str(tmp_path / "other-issuer")]) == 0
    assert issue_cli("--all", "--out", str(base / "out"), "--signing-dir", str(tmp_path / "other")) == 2
    assert "not the published issuer's key" in capsys.readouterr().err
    assert not (base / "out").exists() and store.certificates() == []
    # A second init would replace the identity every credential depends on: refused.
    assert cli.main(["certificate", "init-issuer"]) == 2


def test_unknown_learner_unknown_course_and_course_not_finished(issuer_env, capsys):
    base, store = issuer_env
    store.submit("ana", COURSE, "initial", lambda r: [])
    capsys.readouterr()
    assert issue_cli("--learner", "nobody", "--out", str(base / "out")) == 2
    assert "unknown learner 'nobody'" in capsys.readouterr().err
    assert cli.main(["certificate", "issue", "--course", "9", "--learner", "ana", "--out", str(base / "out")]) == 2
    assert issue_cli("--learner", "ana", "--out", str(base / "out")) == 1
    assert "Final evaluation: not submitted yet" in capsys.readouterr().out
    assert not (base / "out").exists()


def test_results_a_learner_can_write_do_not_count(issuer_env, capsys):
    """Evidence is the store and nbgrader's gradebook: an answers file or a certificate-looking JSON
    in the learner's folder does not make them eligible."""
    base, store = issuer_env
    finish_course(store, base / "graders", mcq=None)
    (base / "sets-answers-c3.json").write_text(json.dumps({"answers": {"3.c1": "a"}, "score": 100}))
    capsys.readouterr()
    assert issue_cli("--learner", "Éloïse", "--out", str(base / "out")) == 1
    assert "Competence MCQ: not graded yet" in capsys.readouterr().out


def test_the_course_ships_one_published_issuer():
    from sets_courseware.issuer import load_issuer, read_status_list
    from sets_courseware.settings import DATA_DIR
    issuer = load_issuer(DATA_DIR / "issuer")
    assert issuer.id.startswith("did:key:z6Mk")
    assert not any(DATA_DIR.rglob("*.pem"))
    assert len(read_status_list(DATA_DIR / "issuer" / "status-list.jwt", issuer)) * 8 == 131072
