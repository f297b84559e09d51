"""The answers file beside a module notebook: atomic saves, resume on reopen, corruption kept aside."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from .errors import AnswersFileError

FORMAT = 1


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


def read_answers(path: Path) -> dict[str, str]:
    """The saved choices {question id: choice id}; raises AnswersFileError if unreadable."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AnswersFileError(f"not valid JSON (line {exc.lineno}, column {exc.colno})", file=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswersFileError("missing the 'answers' mapping", file=path, field="answers")
    answers = data["answers"]
    for qid, choice in answers.items():
        if not isinstance(choice, str):
            raise AnswersFileError("a choice must be a letter", file=path, item=qid, field="answers")
    return dict(answers)


class AnswerFile:
    """One module's answers file. Never raises on a broken file: it is kept aside and noted."""

    def __init__(self, module_id: str, folder: Path | None = None):
        self.module_id = module_id
        self.path = answers_path(module_id, folder)
        self.problem: str | None = None
        self.answers: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        try:
            return read_answers(self.path)
        except AnswersFileError as exc:
            aside = self.path.with_name(f"{self.path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(self.path, aside)
            except OSError:
                aside = None
            self.problem = f"{exc}" + (f"; kept aside as {aside.name}" if aside else "")
            return {}

    def save(self, question_id: str, choice: str | None) -> None:
        if choice is None:
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = choice
        atomic_write_json(self.path, {"format": FORMAT, "module": self.module_id,
                                      "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                      "answers": self.answers})
