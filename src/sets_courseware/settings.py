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
    #: Default language of the interface.
    lang: str = "fr"
    #: Learner name when not on a hub (JUPYTERHUB_USER wins).
    learner: str = ""
    #: Base URL of the Jupyter server, for links (a hub sets JUPYTERHUB_SERVICE_PREFIX).
    base_url: str = "/"
    home: Path = field(default_factory=_default_home)
    #: URL of the hub's assessment service; when set, the page scores through it (see service.py).
    service_url: str = ""

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
            lang=env.get("SETS_LANG", "fr"),
            learner=env.get("JUPYTERHUB_USER") or env.get("SETS_LEARNER", ""),
            base_url=env.get("JUPYTERHUB_SERVICE_PREFIX") or env.get("SETS_BASE_URL", "/"),
            home=home,
            service_url=env.get("SETS_SERVICE_URL", ""),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def repo_root() -> Path | None:
    return _repo_root()
