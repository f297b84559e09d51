"""Certificates of completion: a PDF for people and a signed JSON credential that `sets certificate verify` checks.

The credential is shaped after Open Badges 3.0 / W3C Verifiable Credentials 2.0 and
signed with Ed25519 over a canonical JSON form (keys sorted, no spaces: the JCS idea of
RFC 8785 for the plain data used here). The private key stays on the grading side
(graders/signing/, never released); the public key is embedded in the proof and its
fingerprint is printed so that a verifier can pin it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .answers import atomic_write_json
from .content import catalog
from .errors import AttemptError, SetsError

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(folder: Path):
    """Load the issuer's Ed25519 key, creating it (mode 600) on first use."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from .private import private_dir, private_file
    path = folder / "issuer_ed25519.pem"
    if path.exists():
        private_file(path)  # tighten a key left 0644 by an older version
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    private_dir(folder)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    private_file(path)
    path.write_bytes(pem)
    return key


def _public_raw(key) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass
class Issued:
    credential: dict
    json_path: Path
    pdf_path: Path


def build_credential(learner: str, course_id: str, progress: list[dict], issued_at: dt.datetime) -> dict:
    course = catalog().course(course_id)
    return {
        "@context": CONTEXT,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": f"urn:sets:certificate:{course_id}:{hashlib.sha256(learner.encode()).hexdigest()[:12]}:{issued_at:%Y%m%d}",
        "issuer": {"type": ["Profile"], "id": "urn:sets:issuer:soga", "name": "Social Good Accelerator (SOGA) — SETS"},
        "validFrom": issued_at.isoformat(),
        "name": f"Certificat de réalisation — {course.short_title.fr}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": learner,
            "achievement": {
                "type": ["Achievement"],
                "id": f"urn:sets:course:{course_id}",
                "name": {"fr": course.title.fr, "en": course.title.en},
                "criteria": {"narrative": "Auto-évaluation initiale et évaluation finale réalisées (SETS, EQF 4)."},
                "eqfLevel": course.eqf_level,
                "digcomp": sorted({d for m in course.modules for d in m.digcomp}),
                "durationHours": course.duration_h,
            },
            "result": progress,
        },
    }


def sign(credential: dict, key) -> dict:
    signed = dict(credential)
    signature = key.sign(canonical(credential))
    signed["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "sets-ed25519-jcs",
                       "verificationMethod": "urn:sets:key:" + _b64(_public_raw(key)),
                       "proofPurpose": "assertionMethod", "proofValue": _b64(signature)}
    return signed


def verify(signed: dict, pinned_fingerprint: str | None = None) -> str:
    """Check the signature; returns the key fingerprint, raises SetsError on any problem."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    body = dict(signed)
    proof = body.pop("proof", None)
    if not isinstance(proof, dict) or "proofValue" not in proof:
        raise SetsError("credential has no proof", field="proof")
    raw = _unb64(proof.get("verificationMethod", "").removeprefix("urn:sets:key:"))
    fp = fingerprint(raw)
    if pinned_fingerprint and fp != pinned_fingerprint:
        raise SetsError(f"signed by key {fp}, expected {pinned_fingerprint}", field="proof.verificationMethod")
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(_unb64(proof["proofValue"]), canonical(body))
    except (InvalidSignature, ValueError):
        raise SetsError("signature does not match the credential: it was altered or not issued by this key",
                        field="proof.proofValue") from None
    return fp


def _pdf(path: Path, learner: str, course_id: str, progress: list[dict], issued_at: dt.datetime, fp: str) -> None:
    from fpdf import FPDF
    import matplotlib
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    course = catalog().course(course_id)
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", "B", 26)
    pdf.cell(0, 20, "Certificat de réalisation", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(0, 8, "Certificate of completion — Social Economy Transition Skills (SETS)", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("DejaVu", "B", 20)
    pdf.cell(0, 12, learner, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.multi_cell(0, 8, f"a suivi le cours « {course.title.fr} » ({course.duration_h} h, niveau CEC/EQF {course.eqf_level}).",
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 11)
    for row in progress:
        gain = "—" if row["gain"] is None else f"{row['gain']:+.2f}"
        pdf.cell(0, 7, f"Module {row['module']} : {row['pre']:.0f} % → {row['post']:.0f} % (gain normalisé {gain})",
                 align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 6, f"Délivré le {issued_at:%d/%m/%Y} par le Social Good Accelerator — projet financé par l'Union européenne (HaDEA).",
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Attestation signée (Ed25519, clé {fp}) : vérifiable avec `sets certificate verify`.", align="C")
    tmp = path.with_suffix(".pdf.tmp")
    pdf.output(str(tmp))
    tmp.replace(path)


def issue(learner: str, course_id: str, out_dir: Path, signing_dir: Path, service=None,
          now: dt.datetime | None = None) -> Issued:
    """Issue the certificate once both evaluations are submitted; writes <out>/<learner>-course<id>.{json,pdf}."""
    from .assessment import AssessmentService
    service = service or AssessmentService()
    catalog().course(course_id)
    gains = service.progress(learner, course_id)
    if gains is None:
        raise AttemptError(f"no certificate yet: both the initial and the final evaluation of course {course_id} "
                           "must be submitted", item=learner)
    progress = [{"module": g.module, "pre": g.pre, "post": g.post,
                 "gain": None if g.gain is None else round(g.gain, 3)} for g in gains]
    issued_at = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    key = signing_key(signing_dir)
    signed = sign(build_credential(learner, course_id, progress, issued_at), key)
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in learner) + f"-course{course_id}"
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, pdf_path = out_dir / f"{stem}.json", out_dir / f"{stem}.pdf"
    atomic_write_json(json_path, signed)
    _pdf(pdf_path, learner, course_id, progress, issued_at, fingerprint(_public_raw(key)))
    return Issued(signed, json_path, pdf_path)
