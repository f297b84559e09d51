"""One settings object, read from SETS_* environment variables with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def _repo_root() -> Path | None:
    """The source checkout this package runs from (editable install), if any."""
    for parent in PACKAGE_DIR.parents:
        if (parent / "graders").is_dir() and (parent / "notebooks").is_dir():
            return parent
    return None


def _default_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "sets-courseware"


@dataclass(frozen=True)
class Settings:
    """Every option of the product; environment variable `SETS_<NAME>` overrides each."""

    #: SQLAlchemy URL of the store. SQLite by default; PostgreSQL with postgresql+psycopg://…
    db_url: str = ""
    #: Folder holding the summative answer keys (never shipped to learners).
    keys_dir: Path | None = None
    #: Folder holding the module notebooks (for links from the path page).
    notebooks_dir: Path | None = None
    #: Folder of the nbgrader course (graders/).
    graders_dir: Path | None = None
    #: Competence MCQ pass mark in percent (certification.py: 60 % = 9 of 15; guessing passes 0.4 % of the time).
    pass_mark: int = 60
    #: Live sessions of a course (of 3) a learner must attend for the certificate (certification.py).
    attendance_required: int = 3
    #: The issuer's published identity and status list, shipped with the course (data/issuer/).
    issuer_dir: Path = DATA_DIR / "issuer"
    #: The issuer's private signing key: only the issuing account reads it (default graders/signing/).
    signing_dir: Path | None = None
    #: Public URL where issuer_dir is published (issuer.json, status-list.jwt), written into credentials.
    issuer_url: str = "https://socialgoodaccelerator.eu/sets/issuer/"
    #: Default language of the interface.
    lang: str = "fr"
    #: Learner name when not on a hub (JUPYTERHUB_USER wins).
    learner: str = ""
    #: Base URL of the Jupyter server, for links (a hub sets JUPYTERHUB_SERVICE_PREFIX).
    base_url: str = "/"
    home: Path = field(default_factory=_default_home)
    #: URL of the hub's assessment service; when set, the page scores through it (see service.py).
    service_url: str = ""
    #: nbgrader exchange root on a hub (graders/nbgrader_config.py reads the same variable).
    exchange_dir: Path | None = None
    #: Folder where `sets certificate issue` writes certificates (default graders/certificates).
    certificates_dir: Path | None = None
    #: Days a learner's data is kept after their course ends (last activity); `sets learner purge`.
    #: 365: a year leaves time for a late certificate or an appeal, then nothing is kept.
    retention_days: int = 365
    #: The deploying organisation (controller under the GDPR) and how to reach it, shown in the
    #: privacy notice of the path page and in export summaries; placeholders until set.
    privacy_controller: str = ""
    privacy_contact: str = ""

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        root = _repo_root()
        home = Path(env["SETS_HOME"]) if env.get("SETS_HOME") else _default_home()
        db_url = env.get("SETS_DB_URL") or f"sqlite:///{home / 'sets.sqlite'}"

        def path(name: str, default: Path | None) -> Path | None:
            value = env.get(name)
            return Path(value) if value else default

        return cls(
            db_url=db_url,
            keys_dir=path("SETS_KEYS_DIR", root / "graders" / "keys" if root else None),
            notebooks_dir=path("SETS_NOTEBOOKS_DIR", root / "notebooks" if root else None),
            graders_dir=path("SETS_GRADERS_DIR", root / "graders" if root else None),
            pass_mark=int(env.get("SETS_PASS_MARK", "60")),
            attendance_required=int(env.get("SETS_ATTENDANCE_REQUIRED", "3")),
            issuer_dir=path("SETS_ISSUER_DIR", DATA_DIR / "issuer"),
            signing_dir=path("SETS_SIGNING_DIR", root / "graders" / "signing" if root else None),
            issuer_url=env.get("SETS_ISSUER_URL", "https://socialgoodaccelerator.eu/sets/issuer/"),
            lang=env.get("SETS_LANG", "fr"),
            learner=env.get("JUPYTERHUB_USER") or env.get("SETS_LEARNER", ""),
            base_url=env.get("JUPYTERHUB_SERVICE_PREFIX") or env.get("SETS_BASE_URL", "/"),
            home=home,
            service_url=env.get("SETS_SERVICE_URL", ""),
            exchange_dir=path("SETS_EXCHANGE", Path("/srv/nbgrader/exchange")),
            certificates_dir=path("SETS_CERTIFICATES_DIR", root / "graders" / "certificates" if root else None),
            retention_days=int(env.get("SETS_RETENTION_DAYS", "365")),
            privacy_controller=env.get("SETS_PRIVACY_CONTROLLER", ""),
            privacy_contact=env.get("SETS_PRIVACY_CONTACT", ""),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def repo_root() -> Path | None:
    return _repo_root()
