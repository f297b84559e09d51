"""The course's issuer: one published identity (did:key + public JWK), its private key, its status list.

Published, shipped with the course (`settings.issuer_dir`, default data/issuer/):
  issuer.json       the issuer's profile: did:key id, name, verification method with the public JWK
  status-list.jwt   a Bitstring Status List credential (W3C), signed by the issuer: bit n set =
                    the credential with statusListIndex n is revoked
Private, with the issuing account only (`settings.signing_dir`, default graders/signing/, which
`sets serve` never serves; on a hub the grader's or the assessment service's account):
  issuer_ed25519.pem   the Ed25519 private key, file 0600 in a folder 0700

`sets certificate init-issuer` creates both sides once; verification trusts issuer.json only,
never a key carried by a credential.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import SetsError

KEY_FILE = "issuer_ed25519.pem"
ISSUER_FILE = "issuer.json"
STATUS_FILE = "status-list.jwt"
STATUS_BITS = 131072  # 16 KiB, the Bitstring Status List minimum: an index says nothing about issue order
ISSUER_NAME = "Social Good Accelerator (SOGA) — Social Economy Transition Skills (SETS)"
ALG = "EdDSA"  # the algorithm Open Badges 3.0 and VC-JWT verifiers know for Ed25519 (RFC 8037)


class IssuerError(SetsError):
    """The published issuer identity or the status list is missing or unreadable."""


class SigningKeyError(SetsError):
    """The issuer's private key is missing, unreadable, or not the published issuer's."""


@contextmanager
def quiet_eddsa():
    """joserfc warns that RFC 9864 prefers the name "Ed25519" to "EdDSA"; OB 3.0 verifiers expect "EdDSA"."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*EdDSA is deprecated.*")
        yield


# -- owner-only files ---------------------------------------------------------------------
def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def _write_public(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# -- did:key ------------------------------------------------------------------------------
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58btc(raw: bytes) -> str:
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def did_key(public_raw: bytes) -> str:
    """did:key of an Ed25519 public key: multibase base58btc of multicodec ed25519-pub (0xed01) + key."""
    return "did:key:z" + _base58btc(b"\xed\x01" + public_raw)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Issuer:
    id: str  # did:key:z6Mk…
    kid: str  # did:key:z6Mk…#z6Mk…
    name: str
    public_jwk: dict
    url: str  # where issuer_dir is published

    @property
    def key(self):
        from joserfc.jwk import OKPKey
        return OKPKey.import_key(self.public_jwk)

    @property
    def status_list_url(self) -> str:
        return self.url.rstrip("/") + "/" + STATUS_FILE

    def profile(self) -> dict:
        """The issuer as an Open Badges 3.0 Profile, embedded in every credential."""
        return {"id": self.id, "type": ["Profile"], "name": self.name, "url": self.url}


def _issuer_from_public(public_jwk: dict, name: str, url: str) -> Issuer:
    did = did_key(_unb64url(public_jwk["x"]))
    return Issuer(did, f"{did}#{did.removeprefix('did:key:')}", name, public_jwk, url)


def load_issuer(issuer_dir: Path) -> Issuer:
    path = Path(issuer_dir) / ISSUER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        method = data["verificationMethod"][0]
        jwk = method["publicKeyJwk"]
        issuer = _issuer_from_public({"kty": jwk["kty"], "crv": jwk["crv"], "x": jwk["x"]}, data["name"], data["url"])
    except FileNotFoundError:
        raise IssuerError("no published issuer identity", file=path,
                          hint="the course ships one; an issuer creates it once with `sets certificate init-issuer`") from None
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise IssuerError(f"unreadable issuer identity: {exc}", file=path) from None
    if data.get("id") != issuer.id or method.get("id") != issuer.kid:
        raise IssuerError("the issuer id does not match its public key", file=path, field="id")
    return issuer


def signing_key(folder: Path):
    """Load the issuer's Ed25519 key, creating it (file 0600 in a folder 0700) on first use."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    folder = Path(folder)
    path = folder / KEY_FILE
    if path.exists():
        os.chmod(folder, 0o700)
        os.chmod(path, 0o600)  # tighten a key left readable by an older version
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    _private_dir(folder)
    key = Ed25519PrivateKey.generate()
    _write_private(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return key


def load_signing_key(signing_dir: Path | None, issuer: Issuer):
    """The private key as a joserfc key; refuses a missing key or one that is not the published issuer's."""
    from joserfc.jwk import OKPKey
    if signing_dir is None or not (Path(signing_dir) / KEY_FILE).exists():
        raise SigningKeyError("the issuer's signing key is missing: nothing was issued",
                              file=Path(signing_dir or ".") / KEY_FILE,
                              hint="run as the issuing account (grader / assessment service), with SETS_SIGNING_DIR "
                                   "pointing at its key; a new issuer runs `sets certificate init-issuer`")
    try:
        pem = signing_key(Path(signing_dir))
        from cryptography.hazmat.primitives import serialization
        key = OKPKey.import_key(pem.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(f"unreadable signing key: {exc}", file=Path(signing_dir) / KEY_FILE) from None
    if key.as_dict(private=False)["x"] != issuer.public_jwk["x"]:
        raise SigningKeyError("this signing key is not the published issuer's key: nothing was issued",
                              file=Path(signing_dir) / KEY_FILE,
                              hint=f"the course publishes {issuer.id}")
    return key


def init_issuer(signing_dir: Path, issuer_dir: Path, url: str, name: str = ISSUER_NAME,
                replace: bool = False) -> Issuer:
    """Create the issuer once: private key (owner-only) + published issuer.json + empty status list."""
    from cryptography.hazmat.primitives import serialization
    from joserfc.jwk import OKPKey
    signing_dir, issuer_dir = Path(signing_dir), Path(issuer_dir)
    if (signing_dir / KEY_FILE).exists() and not replace:
        raise SigningKeyError("an issuer key already exists", file=signing_dir / KEY_FILE,
                              hint="keep it: every issued credential depends on it (--replace makes a new identity)")
    if (issuer_dir / ISSUER_FILE).exists() and not replace:
        raise IssuerError("the course already publishes an issuer identity", file=issuer_dir / ISSUER_FILE,
                          hint="its key lives with the issuing account; --replace makes a new identity and "
                               "every credential issued so far stops verifying")
    if replace:
        (signing_dir / KEY_FILE).unlink(missing_ok=True)
    raw = signing_key(signing_dir).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    issuer = _issuer_from_public(jwk, name, url)
    issuer_dir.mkdir(parents=True, exist_ok=True)
    doc = {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
           "id": issuer.id, "name": name, "url": url,
           "verificationMethod": [{"id": issuer.kid, "type": "JsonWebKey", "controller": issuer.id,
                                   "publicKeyJwk": jwk}],
           "assertionMethod": [issuer.kid]}
    _write_public(issuer_dir / ISSUER_FILE, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    key = load_signing_key(signing_dir, issuer)
    publish_status_list(issuer_dir, issuer, key, bytearray(STATUS_BITS // 8))
    return issuer


# -- Bitstring Status List ----------------------------------------------------------------
def encode_bits(bits: bytes) -> str:
    """encodedList: multibase base64url (prefix u) of the GZIP-compressed bitstring."""
    return "u" + _b64url(gzip.compress(bytes(bits), mtime=0))


def decode_bits(encoded: str) -> bytearray:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    return bytearray(gzip.decompress(_unb64url(encoded[1:])))


def bit(bits: bytes, index: int) -> bool:
    """Bit `index`, counted from the left of the first byte (Bitstring Status List)."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytearray, index: int) -> None:
    bits[index // 8] |= 0x80 >> (index % 8)


def publish_status_list(issuer_dir: Path, issuer: Issuer, key, bits: bytearray) -> Path:
    from joserfc import jwt
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": issuer.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": now.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {"id": issuer.status_list_url + "#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": encode_bits(bits)},
    }
    claims = {**credential, "iss": issuer.id, "jti": credential["id"], "nbf": int(now.timestamp())}
    with quiet_eddsa():
        token = jwt.encode({"alg": ALG, "typ": "JWT", "kid": issuer.kid}, claims, key, algorithms=[ALG])
    path = Path(issuer_dir) / STATUS_FILE
    _write_public(path, token + "\n")
    return path


def read_status_list(path: Path, issuer: Issuer) -> bytearray:
    """The revocation bits, from a status list the issuer signed (any other signature is refused)."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise IssuerError(f"no status list to check revocation against: {exc.strerror}", file=path) from None
    try:
        with quiet_eddsa():
            claims = jwt.decode(token, issuer.key, algorithms=[ALG]).claims
        bits = decode_bits(claims["credentialSubject"]["encodedList"])
    except (JoseError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IssuerError(f"the status list is not one the issuer signed ({type(exc).__name__})", file=path) from None
    if claims.get("iss") != issuer.id:
        raise IssuerError("the status list was not issued by the course's issuer", file=path)
    return bits
