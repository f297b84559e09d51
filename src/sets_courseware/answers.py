"""The answers file beside a module notebook: atomic saves, resume on reopen, corruption kept aside.

Standard library only: the grade cells of a module quiz import `saved_choice` from here,
so a grading kernel loads nothing else (see grading.py).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from .errors import AnswersFileError

FORMAT = 1
#: An answers file holds a few dozen letters; anything larger is not one (and is never read whole).
MAX_BYTES = 64 * 1024
CHOICES = ("a", "b", "c", "d")


def answers_path(module_id: str, folder: Path | None = None) -> Path:
    """Where a module's answers live: beside the notebook (the kernel's working folder)."""
    return (folder or Path.cwd()) / f"sets-answers-{module_id}.json"


def atomic_write_json(path: Path, data: object) -> None:
    """Write to a temporary file in the same folder, fsync it, rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def _err(code: str, message: str, path: Path, **where) -> AnswersFileError:
    exc = AnswersFileError(message, file=path, **where)
    exc.code = code  # the widget says it in the learner's language (i18n "answers.<code>")
    return exc


def read_answers(path: Path) -> dict[str, str]:
    """The saved choices {question id: choice id}; raises AnswersFileError if unreadable.

    The file is data from a learner's folder: a symlink, a folder, a huge or binary file,
    deep nesting or a choice other than a–d is refused with a reason, never followed,
    executed or read whole.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise _err("unreadable", f"cannot be read ({exc.strerror})", path) from None
    import stat as _stat
    if _stat.S_ISLNK(st.st_mode):
        raise _err("symlink", "is a symbolic link, not the quiz's own file", path)
    if not _stat.S_ISREG(st.st_mode):
        raise _err("not_file", "is not a regular file", path)
    if st.st_size > MAX_BYTES:
        raise _err("too_big", f"is {st.st_size:,} bytes, more than an answers file can hold ({MAX_BYTES:,})", path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            data_bytes = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _err("unreadable", f"cannot be read ({exc.strerror})", path) from None
    try:
        raw = data_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _err("not_utf8", f"is not UTF-8 text (byte {exc.start})", path) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _err("not_json", f"not valid JSON (line {exc.lineno}, column {exc.colno})", path) from None
    except RecursionError:
        raise _err("nested", "not an answers file (nested too deeply)", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise _err("structure", "missing the 'answers' mapping", path, field="answers")
    answers = data["answers"]
    for qid, choice in answers.items():
        if not isinstance(choice, str) or choice not in CHOICES:
            raise _err("bad_choice", "a choice must be one of the letters a, b, c, d", path, item=str(qid)[:40],
                       field="answers")
    return dict(answers)


def saved_choice(module_id: str, question_id: str, folder: Path | None = None) -> str | None:
    """The learner's saved choice for one question (None if unanswered or the file is unreadable).

    What a grade cell calls; the hidden test beside it compares the result with the key."""
    try:
        return read_answers(answers_path(module_id, folder)).get(question_id)
    except AnswersFileError:
        return None


class AnswerFile:
    """One module's answers file. Never raises on a broken file: it is kept aside and noted."""

    def __init__(self, module_id: str, folder: Path | None = None):
        self.module_id = module_id
        self.path = answers_path(module_id, folder)
        self.problem: str | None = None
        #: why the file was unreadable ("symlink", "not_utf8"…) and the name it was kept aside under
        self.problem_code: str | None = None
        self.aside: str | None = None
        self.answers: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        try:
            return read_answers(self.path)
        except AnswersFileError as exc:
            aside = self.path.with_name(f"{self.path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                if self.path.is_symlink():
                    # A link is not the learner's data: drop the link itself, never what it points to.
                    self.path.unlink()
                    aside = None
                else:
                    os.replace(self.path, aside)
            except OSError:
                aside = None
            self.problem = f"{exc}" + (f"; kept aside as {aside.name}" if aside else "")
            self.problem_code = getattr(exc, "code", "unreadable")
            self.aside = aside.name if aside else None
            return {}

    def save(self, question_id: str, choice: str | None) -> None:
        """Write the file with this choice; on failure (a full disk…) the file and `answers` keep the
        previous state, so that nothing says "saved" that is not on disk."""
        answers = dict(self.answers)
        if choice is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = choice
        atomic_write_json(self.path, {"format": FORMAT, "module": self.module_id,
                                      "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                      "answers": answers})
        self.answers = answers
