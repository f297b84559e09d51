"""The project's exceptions: each names the file, the id and the field involved, and what to do."""

from __future__ import annotations

from pathlib import Path


class SetsError(Exception):
    """Base class: a message for people, plus where the problem is."""

    def __init__(self, message: str, *, file: str | Path | None = None,
                 item: str | None = None, field: str | None = None, hint: str | None = None):
        self.message = message
        self.file = str(file) if file is not None else None
        self.item = item
        self.field = field
        self.hint = hint
        super().__init__(self.__str__())

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.item:
            parts.append(f"id {self.item}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}" if self.where() else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ContentError(SetsError):
    """A catalog, bank, key file or lesson source is malformed."""


class ContentErrors(SetsError):
    """Several content errors found in one validation pass."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) found:\n" + "\n".join(f"  - {e}" for e in errors))

    def __str__(self) -> str:
        return self.message


class UnknownIdError(SetsError, KeyError):
    """A course, module, sub-topic or question id that the catalog does not know."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return SetsError.__str__(self)


class AnswersFileError(SetsError):
    """An answers file beside a notebook could not be read."""


class AttemptError(SetsError):
    """An assessment attempt cannot be changed (already submitted, unknown learner...)."""


class KeysUnavailableError(SetsError):
    """The answer keys are not readable from here (a learner account on a hub)."""


def gather(errors: list, fn, *args):
    """Call fn(*args); on a content error, add it (or all of them) to `errors` and return None.

    Lets a validation pass report every problem at once instead of stopping at the first.
    """
    try:
        return fn(*args)
    except ContentErrors as exc:
        errors.extend(exc.errors)
    except ContentError as exc:
        errors.append(exc)
    return None
