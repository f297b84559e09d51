"""Backups of the store: SQLite's online backup API, pg_dump / pg_restore for PostgreSQL.

A backup is taken while the service runs (SQLite copies a consistent snapshot page by page;
pg_dump reads one transaction snapshot) and written like every file of ours: temporary
file, fsync, rename, mode 600. A restore checks the backup is a SETS store before it
replaces anything.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from .errors import SetsError


def _sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    if not u.database or u.database == ":memory:":
        raise SetsError("an in-memory store cannot be backed up", item=url)
    return Path(u.database)


def _pg(url: str) -> tuple[str, dict]:
    """libpq connection string without the password (it goes in PGPASSWORD, not in argv)."""
    from sqlalchemy.engine import make_url
    u = make_url(url)
    env = {**os.environ}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise SetsError(f"{name} not found", hint="install the PostgreSQL client tools (Debian: postgresql-client)")
    return found


def _finish(tmp: Path, out: Path) -> None:
    from .private import private_file
    private_file(tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out)


def _check_sets_sqlite(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise SetsError(f"not a SQLite database ({exc})", file=path) from None
    if ok != "ok":
        raise SetsError(f"the backup is damaged (integrity check: {ok})", file=path)
    if not {"learners", "attempts", "responses", "alembic_version"} <= tables:
        raise SetsError("not a backup of the SETS store (tables missing)", file=path)


def backup(url: str, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.unlink(missing_ok=True)
    db = _sqlite_path(url)
    if db is not None:
        if not db.is_file():
            raise SetsError("no store to back up", file=db)
        src = sqlite3.connect(db)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # online: a consistent copy while the service keeps writing
        finally:
            dst.close()
            src.close()
        _check_sets_sqlite(tmp)
    else:
        conn, env = _pg(url)
        proc = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), "--dbname", conn],
                              capture_output=True, text=True, env=env)
        if proc.returncode:
            tmp.unlink(missing_ok=True)
            raise SetsError(f"pg_dump failed: {proc.stderr.strip()[-500:]}")
    _finish(tmp, out)
    return out


def restore(url: str, backup_file: Path) -> None:
    """Replace the store's content by the backup's (the schema is migrated to this version after)."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise SetsError("no such backup", file=backup_file)
    db = _sqlite_path(url)
    if db is not None:
        _check_sets_sqlite(backup_file)
        from .private import private_file
        db.parent.mkdir(parents=True, exist_ok=True)
        private_file(db)
        src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        dst = sqlite3.connect(db, timeout=30)
        try:
            src.backup(dst)  # page by page under the destination's write lock: readers see old or new, never half
        finally:
            dst.close()
            src.close()
    else:
        conn, env = _pg(url)
        listing = subprocess.run([_pg_tool("pg_restore"), "--list", str(backup_file)], capture_output=True, text=True)
        if listing.returncode or " learners " not in listing.stdout:
            raise SetsError("not a pg_dump backup of the SETS store", file=backup_file)
        proc = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                               "--dbname", conn, str(backup_file)], capture_output=True, text=True, env=env)
        if proc.returncode:
            raise SetsError(f"pg_restore failed (nothing was changed): {proc.stderr.strip()[-500:]}", file=backup_file)
    from .store import Store
    Store(url).engine.dispose()  # migrates an older backup to this version's schema
