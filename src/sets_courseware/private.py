"""Owner-only files and folders for what the product writes (store, SETS_HOME, signing key, gradebook).

Files 0600, folders 0700, set at creation and re-applied to files of ours found with wider
modes (written by an older version). Folders the product does not own (a parent such as
/tmp given in SETS_DB_URL) are never changed: only the ones it creates, or names as its own.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except (FileNotFoundError, PermissionError):
        pass  # gone, or not ours: nothing to tighten


def private_dir(path: Path, own: bool = True) -> Path:
    """Create `path` (and missing parents) with mode 0700; with `own`, also tighten it if it exists."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        _chmod(d, DIR_MODE)  # mkdir's mode goes through the umask
    if own:
        _chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if missing, or tighten its mode to 0600."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    _chmod(path, FILE_MODE)
    return path


def write_private(path: Path, text: str) -> Path:
    """Write text to a file readable by its owner only."""
    private_file(path)
    Path(path).write_text(text, encoding="utf-8")
    return Path(path)
