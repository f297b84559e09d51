"""Loading and validating the content data: catalog, summative and formative banks, keys."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ContentError, ContentErrors, KeysUnavailableError, UnknownIdError, gather
from .settings import DATA_DIR, get_settings

LANGS = ("fr", "en")
CHOICE_IDS = ("a", "b", "c", "d")


class Text(BaseModel):
    """A string in French and English; both are required."""

    model_config = ConfigDict(extra="forbid")
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        return getattr(self, lang)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- catalog

class Subtopic(_Model):
    id: str
    title: Text
    completed: bool = False
    origin: Literal["seeds", "overview"] = "seeds"


class Module(_Model):
    id: str
    title: Text
    title_note: str | None = None
    duration_min: int
    duration_source: Literal["seeds", "estimate"]
    digcomp: list[str]
    subtopics: list[Subtopic]

    @property
    def course_id(self) -> str:
        return self.id.split(".")[0]

    def notebook_name(self) -> str:
        return f"module_{self.id.replace('.', '_')}.ipynb"


class LiveSession(_Model):
    id: str
    kind: Literal["launch", "intermediate", "final"]
    before_module: str | None = None
    after_module: str | None = None
    duration_min: int
    title: Text
    agenda: list[Text]


class LearningOutcome(_Model):
    id: str
    digcomp: str
    fr: str
    en: str


class Course(_Model):
    id: str
    folder: str
    kind: Literal["upskilling", "reskilling"]
    duration_h: int
    title: Text
    short_title: Text
    audience: Text
    eqf_level: int
    digcomp_source: Literal["seeds", "project"]
    #: "suggest": weak modules are suggested; "mandatory": they become required (course 2).
    path_rule: Literal["suggest", "mandatory"]
    learning_outcomes: list[LearningOutcome] = []
    live_sessions: list[LiveSession]
    modules: list[Module]

    @property
    def subtopics(self) -> list[Subtopic]:
        return [s for m in self.modules for s in m.subtopics]


class Programme(_Model):
    title: Text
    eqf_level: int
    funder: Text
    operator: Text


class Catalog(_Model):
    programme: Programme
    live_session_templates: dict
    courses: list[Course]

    # lookups -------------------------------------------------------------
    def course(self, course_id: str) -> Course:
        for c in self.courses:
            if c.id == course_id:
                return c
        raise UnknownIdError(f"unknown course '{course_id}'", hint=f"known: {', '.join(c.id for c in self.courses)}")

    def module(self, module_id: str) -> Module:
        for c in self.courses:
            for m in c.modules:
                if m.id == module_id:
                    return m
        raise UnknownIdError(f"unknown module '{module_id}'",
                             hint=f"known: {', '.join(m.id for c in self.courses for m in c.modules)}")

    def subtopic(self, subtopic_id: str) -> Subtopic:
        for c in self.courses:
            for s in c.subtopics:
                if s.id == subtopic_id:
                    return s
        raise UnknownIdError(f"unknown sub-topic '{subtopic_id}'")

    @property
    def modules(self) -> list[Module]:
        return [m for c in self.courses for m in c.modules]

    @property
    def subtopic_ids(self) -> set[str]:
        return {s.id for c in self.courses for s in c.subtopics}

    def to_json(self) -> dict:
        data = self.model_dump(exclude={"live_session_templates"}, exclude_none=True)
        return data


# libyaml's loader when PyYAML has it (the banks load about 10x faster: they are read when
# the path page and every notebook start); same safe subset of YAML either way.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError("file not found", file=path) from None
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ContentError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", file=path) from None


def _pydantic_errors(exc: ValidationError, path: Path, data: object, container: str | None) -> list[ContentError]:
    """Translate pydantic's errors into ContentErrors that name the item id and field."""
    out = []
    for err in exc.errors():
        loc = list(err["loc"])
        item = None
        if container and len(loc) >= 2 and loc[0] == container and isinstance(loc[1], int):
            try:
                item = data[container][loc[1]].get("id")  # type: ignore[index]
            except (AttributeError, IndexError, KeyError, TypeError):
                item = None
            loc = loc[2:] if item else loc
        out.append(ContentError(err["msg"], file=path, item=item, field=".".join(str(x) for x in loc) or None))
    return out


def _check_catalog(cat: Catalog, path: Path) -> list[ContentError]:
    errors = []
    seen: dict[str, str] = {}
    for course in cat.courses:
        for kind, ident in [("course", course.id)] + [("module", m.id) for m in course.modules] + \
                [("sub-topic", s.id) for s in course.subtopics]:
            if ident in seen:
                errors.append(ContentError(f"duplicate id (also a {seen[ident]})", file=path, item=ident, field="id"))
            seen[ident] = kind
        for m in course.modules:
            if not m.id.startswith(course.id + "."):
                errors.append(ContentError(f"module id must start with '{course.id}.'", file=path, item=m.id, field="id"))
            for s in m.subtopics:
                if not s.id.startswith(m.id + "."):
                    errors.append(ContentError(f"sub-topic id must start with '{m.id}.'", file=path, item=s.id, field="id"))
    return errors


def load_catalog(path: Path | None = None) -> Catalog:
    path = path or DATA_DIR / "catalog.yaml"
    data = _read_yaml(path)
    try:
        cat = Catalog.model_validate(data)
    except ValidationError as exc:
        raise ContentErrors(_pydantic_errors(exc, path, data, None)) from None
    errors = _check_catalog(cat, path)
    if errors:
        raise ContentErrors(errors)
    return cat


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return load_catalog()


def section_heading(subtopic_id: str, lang: str) -> str:
    """The heading of a sub-topic's section in its module notebook."""
    return f"{subtopic_id} {catalog().subtopic(subtopic_id).title(lang)}"


def anchor(subtopic_id: str, lang: str) -> str:
    """The id JupyterLab and nbconvert give the sub-topic's heading (spaces become '-').

    Works for links inside a notebook; a link that opens the notebook uses section_cell_id."""
    return section_heading(subtopic_id, lang).replace(" ", "-")


def section_cell_id(subtopic_id: str) -> str:
    """The nbformat cell id of the cell that opens a sub-topic's section (same in FR and EN).

    JupyterLab 4 drops heading fragments when it opens /lab/tree/<notebook>, but scrolls to
    `#cell-id=<id>`, so the path page links to the section with this id."""
    return "sec-" + subtopic_id.replace(".", "-")


# ---------------------------------------------------------------- banks

class SummativeText(_Model):
    prompt: str = Field(min_length=1)
    choices: dict[Literal["a", "b", "c", "d"], str]


class SummativeQuestion(_Model):
    """A single-answer MCQ of the self-assessment, the module quiz and the final evaluation.

    The public bank holds no key: the key lives in graders/keys/<module>.yaml.
    """

    id: str
    subtopics: list[str] = Field(min_length=1)
    digcomp: str
    fr: SummativeText
    en: SummativeText

    def text(self, lang: str) -> SummativeText:
        return getattr(self, lang)


class SummativeBank(_Model):
    module: str
    questions: list[SummativeQuestion]


class CompetenceBank(_Model):
    """The competence MCQ of a course (certification): questions drawing on several modules."""

    course: str
    questions: list[SummativeQuestion]


class FormativeChoice(_Model):
    text: str = Field(min_length=1)
    correct: bool = False
    explanation: str = Field(min_length=1)


class FormativeText(_Model):
    prompt: str = Field(min_length=1)
    choices: list[FormativeChoice] = Field(min_length=2)


class FormativeItem(_Model):
    """A practice check inside a lesson: immediate feedback, an explanation per option."""

    id: str
    subtopic: str
    fr: FormativeText
    en: FormativeText

    def text(self, lang: str) -> FormativeText:
        return getattr(self, lang)


class FormativeBank(_Model):
    module: str
    items: list[FormativeItem]


class Key(_Model):
    answer: Literal["a", "b", "c", "d"]
    why: Text | None = None


class KeyFile(_Model):
    module: str
    keys: dict[str, Key]


class CompetenceKeyFile(_Model):
    course: str
    keys: dict[str, Key]


def bank_dir(kind: str) -> Path:
    """Folder of a bank kind ("summative" | "quiz" | "formative"); SETS_BANKS_DIR points elsewhere (tests, forks)."""
    import os
    base = Path(os.environ["SETS_BANKS_DIR"]) if os.environ.get("SETS_BANKS_DIR") else DATA_DIR / "banks"
    return base / kind


def _load_model(model, path: Path, container: str):
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentErrors(_pydantic_errors(exc, path, data, container)) from None


def load_summative(path: Path) -> SummativeBank:
    return _load_model(SummativeBank, path, "questions")


def load_formative(path: Path) -> FormativeBank:
    return _load_model(FormativeBank, path, "items")


def load_keyfile(path: Path) -> KeyFile:
    return _load_model(KeyFile, path, "keys")


class Banks:
    """All banks of the programme, validated against the catalog."""

    def __init__(self, summative: dict[str, SummativeQuestion], formative: dict[str, FormativeItem],
                 by_module: dict[str, list[SummativeQuestion]], quiz: dict[str, SummativeQuestion] | None = None,
                 quiz_by_module: dict[str, list[SummativeQuestion]] | None = None):
        self.summative = summative
        self.formative = formative
        self.by_module = by_module
        self.quiz = quiz or {}
        self.quiz_by_module = quiz_by_module or {}
        self.competence: dict[str, SummativeQuestion] = {}
        self.competence_by_course: dict[str, list[SummativeQuestion]] = {}

    def competence_questions(self, course_id: str) -> list[SummativeQuestion]:
        """The course's competence MCQ items (certification, nbgrader)."""
        catalog().course(course_id)
        return self.competence_by_course.get(course_id, [])

    def graded_questions(self, scope: str) -> list[SummativeQuestion]:
        """Questions of a graded notebook: a module id ("3.2") or a course's competence MCQ ("c3")."""
        if scope.startswith("c"):
            return self.competence_questions(scope[1:])
        return self.module_quiz(scope)

    def module_questions(self, module_id: str) -> list[SummativeQuestion]:
        """The module's assessment items (self-assessment and final evaluation, path page only)."""
        catalog().module(module_id)
        return self.by_module.get(module_id, [])

    def module_quiz(self, module_id: str) -> list[SummativeQuestion]:
        """The module's graded quiz items (module notebook, nbgrader)."""
        catalog().module(module_id)
        return self.quiz_by_module.get(module_id, [])

    def course_questions(self, course_id: str) -> list[SummativeQuestion]:
        return [q for m in catalog().course(course_id).modules for q in self.by_module.get(m.id, [])]

    def formative_item(self, item_id: str) -> FormativeItem:
        try:
            return self.formative[item_id]
        except KeyError:
            raise UnknownIdError(f"unknown formative item '{item_id}'", file=bank_dir("formative")) from None


def _collect_mcq(errors: list[ContentError], folder: Path, model, scopes: dict[str, set[str]], scope_field: str,
                 letter: str, kind: str) -> tuple[dict[str, SummativeQuestion], dict[str, list[SummativeQuestion]]]:
    """Single-answer questions of one bank kind, one file per scope (a module, or a course for the
    competence MCQ): ids `<scope>.<letter>N`, sub-topics of that scope, exactly the choices a–d."""
    questions: dict[str, SummativeQuestion] = {}
    where: dict[str, Path] = {}
    by_scope: dict[str, list[SummativeQuestion]] = {}
    for path in sorted(folder.glob("*.yaml")):
        bank = gather(errors, _load_model, model, path, "questions")
        if bank is None:
            continue
        scope = getattr(bank, scope_field)
        if scope not in scopes:
            errors.append(ContentError(f"unknown {scope_field} '{scope}'", file=path, field=scope_field))
            continue
        for q in bank.questions:
            if q.id in questions:
                errors.append(ContentError(f"duplicate {kind} question id (first in {where[q.id].name})", file=path, item=q.id, field="id"))
                continue
            if not q.id.startswith(f"{scope}.{letter}") or not q.id[len(scope) + 1 + len(letter):].isdigit():
                errors.append(ContentError(f"{kind} question id must look like '{scope}.{letter}N'", file=path, item=q.id, field="id"))
            for st in q.subtopics:
                if st not in scopes[scope]:
                    errors.append(ContentError(f"unknown sub-topic '{st}' for {scope_field} {scope}", file=path, item=q.id, field="subtopics"))
            for lang in LANGS:
                got = set(q.text(lang).choices)
                if got != set(CHOICE_IDS):
                    errors.append(ContentError(f"needs exactly the 4 choices a, b, c, d (has {', '.join(sorted(got))})",
                                               file=path, item=q.id, field=f"{lang}.choices"))
            questions[q.id] = q
            where[q.id] = path
            by_scope.setdefault(scope, []).append(q)
    return questions, by_scope


def _collect_banks(cat: Catalog, summative_dir: Path, formative_dir: Path,
                   quiz_dir: Path | None = None, competence_dir: Path | None = None) -> tuple[Banks, list[ContentError]]:
    errors: list[ContentError] = []
    modules = {m.id: {s.id for s in m.subtopics} for m in cat.modules}
    courses = {c.id: {s.id for s in c.subtopics} for c in cat.courses}
    summative, by_module = _collect_mcq(errors, summative_dir, SummativeBank, modules, "module", "q", "assessment")
    quiz, quiz_by_module = (_collect_mcq(errors, quiz_dir, SummativeBank, modules, "module", "m", "module-quiz")
                            if quiz_dir else ({}, {}))
    # The three kinds never share a question: a quiz item that repeats an assessment item
    # would let graded feedback reveal the self-assessment's answers.
    prompts = {q.fr.prompt.strip().lower(): q.id for q in summative.values()}
    for q in quiz.values():
        if q.fr.prompt.strip().lower() in prompts:
            errors.append(ContentError(f"same prompt as assessment item {prompts[q.fr.prompt.strip().lower()]}",
                                       file=quiz_dir, item=q.id, field="fr.prompt"))

    known_st = cat.subtopic_ids
    competence, competence_by_course = (_collect_mcq(errors, competence_dir, CompetenceBank, courses, "course", "c",
                                                     "competence") if competence_dir else ({}, {}))
    others = {q.fr.prompt.strip().lower(): q.id for q in [*summative.values(), *quiz.values()]}
    for q in competence.values():
        if q.fr.prompt.strip().lower() in others:
            errors.append(ContentError(f"same prompt as item {others[q.fr.prompt.strip().lower()]}",
                                       file=competence_dir, item=q.id, field="fr.prompt"))
    formative: dict[str, FormativeItem] = {}
    fwhere: dict[str, Path] = {}
    for path in sorted(formative_dir.glob("*.yaml")):
        fbank = gather(errors, load_formative, path)
        if fbank is None:
            continue
        for item in fbank.items:
            if item.id in formative:
                errors.append(ContentError(f"duplicate formative id (first in {fwhere[item.id].name})", file=path, item=item.id, field="id"))
                continue
            if item.subtopic not in known_st:
                errors.append(ContentError(f"unknown sub-topic '{item.subtopic}'", file=path, item=item.id, field="subtopic"))
            for lang in LANGS:
                n = sum(c.correct for c in item.text(lang).choices)
                if n != 1:
                    errors.append(ContentError(f"needs exactly one correct choice (has {n})", file=path, item=item.id, field=f"{lang}.choices"))
            if len(item.fr.choices) != len(item.en.choices):
                errors.append(ContentError("French and English have a different number of choices", file=path, item=item.id, field="choices"))
            elif [c.correct for c in item.fr.choices] != [c.correct for c in item.en.choices]:
                errors.append(ContentError("the correct choice differs between French and English", file=path, item=item.id, field="choices"))
            formative[item.id] = item
            fwhere[item.id] = path
    banks_ = Banks(summative, formative, by_module, quiz, quiz_by_module)
    banks_.competence, banks_.competence_by_course = competence, competence_by_course
    return banks_, errors


def load_banks(summative_dir: Path | None = None, formative_dir: Path | None = None,
               cat: Catalog | None = None, quiz_dir: Path | None = None) -> Banks:
    banks, errors = _collect_banks(cat or catalog(), summative_dir or bank_dir("summative"),
                                   formative_dir or bank_dir("formative"), quiz_dir or bank_dir("quiz"),
                                   bank_dir("competence"))
    if errors:
        raise ContentErrors(errors)
    return banks


@lru_cache(maxsize=1)
def banks() -> Banks:
    return load_banks()


def _load_key_folder(folder: Path | None, model, questions: dict, kind: str, need_why: bool) -> dict[str, Key]:
    """Read every key file of a folder and check it against its bank: no orphan key, no
    keyless question, an explanation where feedback shows one."""
    if folder is None or not folder.is_dir():
        raise KeysUnavailableError(f"{kind} keys not found", file=folder,
                                   hint="keys live in graders/keys/ (SETS_KEYS_DIR), on the grading side only; "
                                        "on a hub, assessment items are scored by the assessment service")
    keys: dict[str, Key] = {}
    errors: list[ContentError] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            kf = _load_model(model, path, "keys")
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        except PermissionError:
            raise KeysUnavailableError(f"{kind} keys are not readable by this account", file=path) from None
        for qid, key in kf.keys.items():
            if qid not in questions:
                errors.append(ContentError(f"key for an unknown question ({kind} bank)", file=path, item=qid, field="keys"))
            elif qid in keys:
                errors.append(ContentError("question keyed twice", file=path, item=qid, field="keys"))
            elif need_why and key.why is None:
                errors.append(ContentError(f"a {kind} key needs its explanation (why), shown in feedback",
                                           file=path, item=qid, field="why"))
            keys[qid] = key
    for qid in questions:
        if qid not in keys:
            errors.append(ContentError("question has no key", file=folder, item=qid, field="answer"))
    if errors:
        raise ContentErrors(errors)
    return keys


def load_keys(keys_dir: Path | None = None, banks_: Banks | None = None) -> dict[str, Key]:
    """Keys of the assessment items (keys_dir/*.yaml): only the assessment service and graders read them."""
    keys_dir = keys_dir or get_settings().keys_dir
    return _load_key_folder(keys_dir, KeyFile, (banks_ or banks()).summative, "assessment", need_why=False)


def load_quiz_keys(keys_dir: Path | None = None, banks_: Banks | None = None) -> dict[str, Key]:
    """Keys of the module-quiz items (keys_dir/quiz/*.yaml), each with the explanation feedback shows."""
    keys_dir = keys_dir or get_settings().keys_dir
    return _load_key_folder(keys_dir / "quiz" if keys_dir else None, KeyFile, (banks_ or banks()).quiz,
                            "module-quiz", need_why=True)


def load_competence_keys(keys_dir: Path | None = None, banks_: Banks | None = None) -> dict[str, Key]:
    """Keys of the competence MCQ items (keys_dir/competence/<course>.yaml), each with its explanation."""
    keys_dir = keys_dir or get_settings().keys_dir
    return _load_key_folder(keys_dir / "competence" if keys_dir else None, CompetenceKeyFile,
                            (banks_ or banks()).competence, "competence", need_why=True)


def load_graded_keys(scope: str) -> dict[str, Key]:
    """Keys of a graded notebook's questions: a module's quiz ("3.2") or a competence MCQ ("c3")."""
    return load_competence_keys() if scope.startswith("c") else load_quiz_keys()


class GlossaryText(_Model):
    term: str = Field(min_length=1)
    definition: str = Field(min_length=1)


class GlossaryEntry(_Model):
    id: str
    fr: GlossaryText
    en: GlossaryText

    def text(self, lang: str) -> GlossaryText:
        return getattr(self, lang)


class Glossary(_Model):
    """A course's glossary (content/glossary/course<N>.yaml): terms with no exact equivalent."""

    course: str
    entries: list[GlossaryEntry]


def load_glossary(path: Path) -> Glossary:
    glossary = _load_model(Glossary, path, "entries")
    seen: set[str] = set()
    errors = []
    for entry in glossary.entries:
        if entry.id in seen:
            errors.append(ContentError("duplicate glossary id", file=path, item=entry.id, field="id"))
        seen.add(entry.id)
    catalog().course(glossary.course)
    if errors:
        raise ContentErrors(errors)
    return glossary


def clear_caches() -> None:
    """Forget loaded content and settings (after editing files or changing SETS_* variables)."""
    from .settings import get_settings as _gs
    catalog.cache_clear()
    banks.cache_clear()
    _gs.cache_clear()
