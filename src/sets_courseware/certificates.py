"""Certificates of completion: an Open Badges 3.0 credential signed as a VC-JWT, and a PDF for people.

Issued only when certification.py's rules hold, from the store and nbgrader's gradebook.
The credential (`OpenBadgeCredential`, OB 3.0 §8.2 VC-JWT: the credential's members are the
JWT claims, with iss / jti / nbf) is signed EdDSA (Ed25519) by joserfc with the issuer's key;
`verify` trusts only the issuer the course publishes (issuer.py) and its status list.
Per certificate, in the output folder (files 0600: personal data):
  <learner>-course<id>.jwt    the credential itself (compact JWS)
  <learner>-course<id>.json   the same claims, readable, with the JWT as proof (JwtProof2020)
  <learner>-course<id>.pdf    in the learner's language; QR code = the JWT, short code, JWT attached
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from .content import catalog
from .errors import SetsError, UnknownIdError
from .issuer import (ALG, STATUS_BITS, Issuer, bit, load_issuer, load_signing_key, publish_status_list, quiet_eddsa,
                     read_status_list, set_bit, signing_key)  # noqa: F401 (signing_key for callers of old)

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCHEMA = {"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
          "type": "1EdTechJsonSchemaValidator2019"}
DIGCOMP_URL = "https://joint-research-centre.ec.europa.eu/scientific-activities-z/education-and-training/digital-transformation-education/digital-competence-framework-citizens-digcomp_en"
EQF_URL = "https://europass.europa.eu/en/europass-digital-tools/european-qualifications-framework"
JWT_CLAIMS = ("iss", "jti", "nbf", "sub", "exp", "iat")
PDF_ATTACHMENT = "credential.jwt"


class NotEligibleError(SetsError):
    """A certification rule does not hold yet; nothing was issued."""

    def __init__(self, verdict, lang: str = "en"):
        from .certification import explain
        self.verdict = verdict
        lines = "; ".join(explain(c, lang) for c in verdict.missing())
        super().__init__(f"not issued, missing: {lines}", item=verdict.learner)


class CredentialError(SetsError):
    """A credential does not verify: altered, signed by another key, revoked, malformed."""


@dataclass
class Issued:
    credential: dict
    token: str
    code: str
    jwt_path: Path
    json_path: Path
    pdf_path: Path


@dataclass
class Verified:
    credential: dict
    code: str
    issuer: Issuer


def short_code(token: str) -> str:
    """SETS-XXXX-XXXX: 40 bits of the JWT's SHA-256 in base32, for a person to type."""
    digest = base64.b32encode(hashlib.sha256(token.encode()).digest()).decode()[:8]
    return f"SETS-{digest[:4]}-{digest[4:]}"


def verify_url(issuer_url: str, code: str) -> str:
    """The address the QR code carries: the issuer's verification page for this code."""
    return f"{issuer_url.rstrip('/')}/verify?code={code}"


def code_of(text: str) -> str:
    """A short code as typed, or read from the QR code's address."""
    import re
    found = re.search(r"SETS-[A-Z2-7]{4}-[A-Z2-7]{4}", text.strip().upper())
    if not found:
        raise CredentialError(f"not a certificate code: {text!r}", hint="like SETS-ABCD-EFGH")
    return found.group(0)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


# -- the Open Badges 3.0 credential ----------------------------------------------------
def build_credential(learner: str, course_id: str, lang: str, competence_percent: float, rules,
                     issuer: Issuer, issued_at: dt.datetime, status_index: int) -> dict:
    from .i18n import t
    course = catalog().course(course_id)
    digcomp = sorted({d for m in course.modules for d in m.digcomp})
    achievement_id = f"urn:sets:course:{course.id}"
    mcq_id = f"{achievement_id}:competence-mcq"
    alignment = [{"type": ["Alignment"], "targetType": "ceasn:Competency", "targetFramework": "DigComp 2.2",
                  "targetCode": code, "targetName": f"DigComp {code}", "targetUrl": DIGCOMP_URL} for code in digcomp]
    alignment.append({"type": ["Alignment"], "targetType": "ext:EQFLevel", "targetFramework": "European Qualifications Framework",
                      "targetCode": str(course.eqf_level), "targetName": f"EQF level {course.eqf_level}",
                      "targetUrl": EQF_URL})
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.profile(),
        "validFrom": _iso(issued_at),
        "name": f"{t('cert.pdf.title', lang)} — {course.short_title(lang)}",
        "credentialSchema": [SCHEMA],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": learner}],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": course.title(lang),
                "description": t("cert.pdf.completed", lang, course=course.title(lang), hours=course.duration_h),
                "criteria": {"narrative": t("cert.criteria", lang, pass_mark=rules.pass_mark,
                                            attendance=rules.attendance_required)},
                "inLanguage": lang,
                "alignment": alignment,
                "resultDescription": [{"id": mcq_id, "type": ["ResultDescription"], "name": t("competence.title", lang, course=course.id),
                                       "resultType": "Percent", "requiredValue": str(rules.pass_mark)}],
            },
            "result": [{"type": ["Result"], "resultDescription": mcq_id, "value": f"{competence_percent:.1f}"}],
        },
        "credentialStatus": {"id": f"{issuer.status_list_url}#{status_index}", "type": "BitstringStatusListEntry",
                             "statusPurpose": "revocation", "statusListIndex": str(status_index),
                             "statusListCredential": issuer.status_list_url},
    }


def sign(credential: dict, key, issuer: Issuer) -> str:
    """The VC-JWT of OB 3.0 §8.2: the credential's members as claims, plus iss, jti and nbf."""
    from joserfc import jwt
    valid_from = dt.datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    claims = {**credential, "iss": issuer.id, "jti": credential["id"], "nbf": int(valid_from.timestamp())}
    with quiet_eddsa():
        return jwt.encode({"alg": ALG, "typ": "JWT", "kid": issuer.kid}, claims, key, algorithms=[ALG])


def credential_of(claims: dict) -> dict:
    return {k: v for k, v in claims.items() if k not in JWT_CLAIMS}


def verify_token(token: str, issuer: Issuer, status_bits: bytes | None) -> Verified:
    """Check a VC-JWT against the published issuer and its status list; raises CredentialError."""
    from joserfc import jws, jwt
    from joserfc.errors import BadSignatureError, JoseError
    token = token.strip()
    try:
        with quiet_eddsa():
            header = jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError, TypeError):
        raise CredentialError("not a compact VC-JWT (header.payload.signature)") from None
    if header.get("alg") != ALG:
        raise CredentialError(f"signed with alg {header.get('alg')!r}, the issuer signs {ALG}", field="alg")
    if header.get("kid") not in (None, issuer.kid):
        raise CredentialError(f"signed by another key ({header.get('kid')}), not by the course's issuer {issuer.id}",
                              field="kid")
    try:
        with quiet_eddsa():
            claims = jwt.decode(token, issuer.key, algorithms=[ALG]).claims
    except BadSignatureError:
        raise CredentialError("the signature does not match: the credential was altered or signed by another key "
                              f"than the course's issuer {issuer.id}", field="signature") from None
    except (JoseError, ValueError, TypeError) as exc:
        raise CredentialError(f"unreadable credential ({type(exc).__name__})") from None
    cred = credential_of(claims)
    issuer_id = cred.get("issuer", {}).get("id") if isinstance(cred.get("issuer"), dict) else cred.get("issuer")
    if claims.get("iss") != issuer.id or issuer_id != issuer.id:
        raise CredentialError(f"issued by {issuer_id or claims.get('iss')}, not by the course's issuer {issuer.id}",
                              field="issuer")
    if claims.get("jti") != cred.get("id"):
        raise CredentialError("jti and the credential id differ", field="jti")
    if not {"VerifiableCredential", "OpenBadgeCredential"} <= set(cred.get("type", [])):
        raise CredentialError("not an OpenBadgeCredential", field="type")
    status = cred.get("credentialStatus") or {}
    if status_bits is not None:
        try:
            index = int(status["statusListIndex"])
            revoked = bit(status_bits, index)
        except (KeyError, ValueError, TypeError, IndexError):
            raise CredentialError("no usable credentialStatus", field="credentialStatus") from None
        if revoked:
            raise CredentialError(f"revoked by the issuer (status list index {index})", field="credentialStatus")
    return Verified(cred, short_code(token), issuer)


def verify_json(data: dict, issuer: Issuer, status_bits: bytes | None) -> Verified:
    """The readable JSON: its JwtProof2020 is verified, and every field must equal the signed claims."""
    proof = data.get("proof") if isinstance(data, dict) else None
    if not isinstance(proof, dict) or not isinstance(proof.get("jwt"), str):
        raise CredentialError("the JSON carries no proof (a JwtProof2020 with the signed VC-JWT)", field="proof")
    verified = verify_token(proof["jwt"], issuer, status_bits)
    shown = {k: v for k, v in data.items() if k != "proof"}
    if shown != verified.credential:
        changed = sorted(k for k in set(shown) | set(verified.credential) if shown.get(k) != verified.credential.get(k))
        raise CredentialError("the JSON differs from the signed credential (edited after issue)", field=", ".join(changed))
    return verified


def _pdf_facts(cred: dict, code: str) -> list[str]:
    """What the PDF must say, from the signed credential: name, course, date, code."""
    subject = cred["credentialSubject"]
    return [subject["identifier"][0]["identityHash"], subject["achievement"]["name"], code,
            dt.datetime.fromisoformat(cred["validFrom"].replace("Z", "+00:00")).strftime("%d/%m/%Y")]


def verify_pdf(raw: bytes, issuer: Issuer, status_bits: bytes | None) -> Verified:
    """The PDF's attached VC-JWT must verify and the page must state what the credential says."""
    import re

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(io.BytesIO(raw))
        attached = reader.attachments.get(PDF_ATTACHMENT) or []
        text = " ".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CredentialError(f"not a readable PDF ({type(exc).__name__})") from None
    if not attached:
        raise CredentialError(f"the PDF carries no {PDF_ATTACHMENT}: not a SETS certificate, or altered", field=PDF_ATTACHMENT)
    verified = verify_token(attached[0].decode("ascii", "replace"), issuer, status_bits)
    flat = re.sub(r"\s+", " ", text)
    for fact in _pdf_facts(verified.credential, verified.code):
        if re.sub(r"\s+", " ", fact) not in flat:
            raise CredentialError(f"the PDF's page does not say what its signed credential says (“{fact}” missing): "
                                  "the PDF was altered", field="page")
    return verified


def verify_file(path: Path, issuer_dir: Path, status_list: Path | None = None, check_status: bool = True) -> Verified:
    """Verify a .jwt, .json or .pdf against the published issuer (and its status list)."""
    from .issuer import STATUS_FILE
    issuer = load_issuer(issuer_dir)
    bits = read_status_list(status_list or Path(issuer_dir) / STATUS_FILE, issuer) if check_status else None
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SetsError(f"cannot read the credential: {exc.strerror}", file=path) from None
    if raw.startswith(b"%PDF"):
        return verify_pdf(raw, issuer, bits)
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CredentialError(f"not valid JSON (line {exc.lineno})") from None
        return verify_json(data, issuer, bits)
    return verify_token(text, issuer, bits)


# -- the PDF --------------------------------------------------------------------------
def _fonts() -> Path:
    import matplotlib
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def render_pdf(token: str, cred: dict, lang: str) -> bytes:
    import segno
    from fpdf import FPDF

    from .i18n import t
    subject = cred["credentialSubject"]
    learner = subject["identifier"][0]["identityHash"]
    course = catalog().course(subject["achievement"]["id"].rsplit(":", 1)[1])
    issued = dt.datetime.fromisoformat(cred["validFrom"].replace("Z", "+00:00"))
    code = short_code(token)
    digcomp = ", ".join(a["targetCode"] for a in subject["achievement"]["alignment"] if a["targetFramework"].startswith("DigComp"))
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_creation_date(issued)
    pdf.set_title(cred["name"])
    pdf.set_lang(lang)
    pdf.add_font("DejaVu", "", str(_fonts() / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(_fonts() / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_auto_page_break(False)
    pdf.set_draw_color(31, 95, 139)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_y(22)
    pdf.set_font("DejaVu", "B", 28)
    pdf.cell(0, 14, t("cert.pdf.title", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(0, 8, t("cert.pdf.programme", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(0, 12, learner, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 13)
    pdf.set_x(30)
    pdf.multi_cell(237, 7, t("cert.pdf.completed", lang, course=course.title(lang), hours=course.duration_h),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 11)
    percent = float(subject["result"][0]["value"])
    pass_mark = subject["achievement"]["resultDescription"][0]["requiredValue"]
    pdf.set_x(30)
    pdf.multi_cell(237, 6, t("cert.pdf.competence", lang, percent=f"{percent:.0f}", pass_mark=pass_mark, digcomp=digcomp),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_x(30)
    pdf.multi_cell(237, 6, t("cert.pdf.issued", lang, date=issued.strftime("%d/%m/%Y"), issuer=cred["issuer"]["name"]),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    # The signed JWT (~4 kB) is beyond what a printed QR code holds; the QR code carries the
    # verification address with the short code, and the PDF carries the JWT as an attachment.
    buf = io.BytesIO()
    segno.make(verify_url(cred["issuer"]["url"], code),
               error="m", micro=False).save(buf, kind="png", scale=6, border=2)
    buf.seek(0)
    pdf.image(buf, x=20, y=128, w=62, h=62, alt_text=code)
    pdf.set_xy(90, 150)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 9, code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(90)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(190, 5, t("cert.pdf.verify", lang, code=code), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(90)
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(190, 4, t("cert.pdf.verify_how", lang, code=code, issuer_id=cred["issuer"]["id"]))
    pdf.embed_file(bytes=token.encode("ascii"), basename=PDF_ATTACHMENT, desc="Open Badges 3.0 VC-JWT",
                   modification_date=issued)
    return bytes(pdf.output())


# -- issuing ----------------------------------------------------------------------------
def _stem(learner: str, course_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in learner) + f"-course{course_id}"


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


def _free_index(store, bits: bytes) -> int:
    """A random status-list index, never used and never revoked (random: indexes say nothing of order)."""
    used = store.used_status_indexes()
    while True:
        index = secrets.randbelow(STATUS_BITS)
        if index not in used and not bit(bits, index):
            return index


def issue(learner: str, course_id: str, out_dir: Path, store=None, graders_dir: Path | None = None,
          signing_dir: Path | None = None, issuer_dir: Path | None = None, lang: str | None = None,
          rules=None, now: dt.datetime | None = None) -> Issued:
    """Issue the certificate if every certification rule holds; raises (and writes nothing) otherwise."""
    from .certification import CertificationRules, evaluate, gather
    from .issuer import STATUS_FILE
    from .settings import get_settings
    settings = get_settings()
    if store is None:
        from .store import Store
        store = Store.default()
    course = catalog().course(course_id)
    if not store.has_learner(learner):
        raise UnknownIdError(f"unknown learner '{learner}': the store holds no result of theirs", item=learner,
                             hint="check the spelling (`sets results --course C` lists learners)")
    issuer_dir = Path(issuer_dir or settings.issuer_dir)
    issuer = load_issuer(issuer_dir)
    key = load_signing_key(signing_dir if signing_dir is not None else settings.signing_dir, issuer)
    rules = rules or CertificationRules.from_settings(settings)
    evidence = gather(learner, course.id, store, graders_dir if graders_dir is not None else settings.graders_dir)
    verdict = evaluate(evidence, rules)
    lang = lang or evidence.lang or settings.lang
    if not verdict.eligible:
        raise NotEligibleError(verdict)
    active = [c for c in store.certificates(course.id, learner) if c["revoked_at"] is None]
    if active:
        raise SetsError(f"already issued (code {active[0]['code']})", item=learner,
                        hint="`sets certificate revoke --code …` first to issue it again")
    bits = read_status_list(issuer_dir / STATUS_FILE, issuer)
    issued_at = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    index = _free_index(store, bits)
    cred = build_credential(learner, course.id, lang, evidence.competence_percent, rules, issuer, issued_at, index)
    token = sign(cred, key, issuer)
    code = short_code(token)
    pdf = render_pdf(token, cred, lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = _stem(learner, course.id)
    paths = out_dir / f"{stem}.jwt", out_dir / f"{stem}.json", out_dir / f"{stem}.pdf"
    readable = {**cred, "proof": {"type": "JwtProof2020", "jwt": token}}
    _write_private(paths[0], (token + "\n").encode())
    _write_private(paths[1], (json.dumps(readable, ensure_ascii=False, indent=1) + "\n").encode())
    _write_private(paths[2], pdf)
    store.add_certificate(learner, course.id, cred["id"], code, index, token, issued_at)
    return Issued(cred, token, code, *paths)


def revoke(code: str, store=None, signing_dir: Path | None = None, issuer_dir: Path | None = None) -> dict:
    """Set the credential's bit in the status list, re-sign and rewrite the published file."""
    from .issuer import STATUS_FILE
    from .settings import get_settings
    settings = get_settings()
    if store is None:
        from .store import Store
        store = Store.default()
    issuer_dir = Path(issuer_dir or settings.issuer_dir)
    issuer = load_issuer(issuer_dir)
    key = load_signing_key(signing_dir if signing_dir is not None else settings.signing_dir, issuer)
    found = store.certificates(code=code.strip().upper())
    if not found:
        raise UnknownIdError(f"no certificate with code {code}", hint="the code printed on the PDF, like SETS-ABCD-EFGH")
    bits = read_status_list(issuer_dir / STATUS_FILE, issuer)
    set_bit(bits, found[0]["status_index"])
    path = publish_status_list(issuer_dir, issuer, key, bits)
    store.mark_revoked(found[0]["code"])
    return {**found[0], "status_list": path}
