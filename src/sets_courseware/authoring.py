"""Lesson and session sources (Markdown with `+++` directives) built into notebooks, and read back.

A source file is `content/lessons/<course folder>/<module>.<lang>.md` or
`content/sessions/<course folder>/<session>.<lang>.md`. Lines starting with `+++ `
open a new block; see AUTHORING.md for the directives. The built notebooks carry, in each
cell's metadata under "sets", the role and the sub-topic, which is what coverage and the
FR/EN parity check read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .content import LANGS, anchor, catalog, section_cell_id, section_heading  # noqa: F401  (anchor re-exported)
from .errors import ContentError, ContentErrors, gather
from .settings import repo_root

MARKDOWN_ROLES = {"intro", "md", "exercise", "case", "summary", "sources", "slide", "subslide", "fragment", "notes"}
CODE_ROLES = {"code", "demo"}
DIRECTIVES = MARKDOWN_ROLES | CODE_ROLES | {"section", "check", "quiz"}
_DIRECTIVE = re.compile(r"^\+\+\+ (\S+)(.*)$")
_PLACEHOLDER = re.compile(r"lorem ipsum|\bTODO\b|\bFIXME\b|\bTBD\b|à compléter|to be completed|placeholder", re.I)


@dataclass
class Block:
    role: str
    args: list[str]
    body: str
    line: int
    subtopic: str | None = None


@dataclass
class Source:
    path: Path
    kind: str  # "lesson" | "session"
    unit: str  # module id or session id
    lang: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def course_id(self) -> str:
        return self.unit.split(".")[0]


def content_dir() -> Path:
    root = repo_root()
    if root is None:
        raise ContentError("the content/ folder is only available in a source checkout")
    return root / "content"


def parse_source(path: Path) -> Source:
    """Read a source file into blocks; errors name the file, the line and the directive."""
    m = re.fullmatch(r"(?P<unit>\d+\.(?:\d+|L\d))\.(?P<lang>fr|en)\.md", path.name)
    if not m:
        raise ContentError("source file name must be '<module or session id>.<fr|en>.md'", file=path)
    kind = "session" if ".L" in m["unit"] else "lesson"
    src = Source(path=path, kind=kind, unit=m["unit"], lang=m["lang"])
    errors: list[ContentError] = []
    current: Block | None = None
    body: list[str] = []
    subtopic: str | None = None
    module = None if kind == "session" else catalog().module(src.unit)
    known = {s.id for s in module.subtopics} if module else catalog().subtopic_ids

    def close():
        if current is not None:
            current.body = "\n".join(body).strip("\n")
            src.blocks.append(current)

    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        d = _DIRECTIVE.match(line)
        if not d:
            if current is None and line.strip():
                errors.append(ContentError("text before the first '+++' directive", file=path, item=f"line {lineno}"))
            body.append(line)
            continue
        close()
        body = []
        role, args = d.group(1), d.group(2).split()
        if role not in DIRECTIVES:
            errors.append(ContentError(f"unknown directive '+++ {role}'", file=path, item=f"line {lineno}",
                                       hint=f"one of: {', '.join(sorted(DIRECTIVES))}"))
            current = None
            continue
        if role == "section":
            if len(args) != 1 or args[0] not in known:
                errors.append(ContentError(f"'+++ section' needs one sub-topic id of this unit, got {' '.join(args) or 'nothing'}",
                                           file=path, item=f"line {lineno}"))
                current = None
                continue
            subtopic = args[0]
        elif role in ("quiz", "summary", "sources"):
            subtopic = None
        block_st = subtopic
        if role == "exercise" and args:
            if args[0] not in known:
                errors.append(ContentError(f"'+++ exercise {args[0]}': unknown sub-topic", file=path, item=f"line {lineno}"))
            block_st = args[0]
        current = Block(role=role, args=args, body="", line=lineno, subtopic=block_st)
    close()
    for b in src.blocks:
        if b.role not in ("check", "quiz", "section") and not b.body.strip() and b.role not in CODE_ROLES:
            errors.append(ContentError(f"empty '+++ {b.role}' block", file=path, item=f"line {b.line}"))
        if b.role in MARKDOWN_ROLES | {"section"} and _PLACEHOLDER.search(b.body):
            errors.append(ContentError("placeholder text", file=path, item=f"line {b.line}",
                                       field=_PLACEHOLDER.search(b.body).group(0)))
        if b.role == "check" and not b.args:
            errors.append(ContentError("'+++ check' needs at least one formative item id", file=path, item=f"line {b.line}"))
    if errors:
        raise ContentErrors(errors)
    return src


def _meta(block: Block, src: Source) -> dict:
    meta: dict = {"sets": {"role": block.role, "unit": src.unit, "lang": src.lang}}
    if block.subtopic:
        meta["sets"]["subtopic"] = block.subtopic
    if block.role == "check":
        meta["sets"]["items"] = block.args
    if block.role == "exercise":
        meta["sets"]["exercise"] = True
    slide = {"slide": "slide", "subslide": "subslide", "fragment": "fragment", "notes": "notes"}.get(block.role)
    if src.kind == "session":
        meta["slideshow"] = {"slide_type": slide or "-"}
    if block.role == "notes":
        meta["tags"] = ["trainer-notes"]
    return meta


def build_notebook(src: Source) -> nbformat.NotebookNode:
    """One notebook from one source; deterministic so that a rebuild without change is a no-op."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "sets": {"unit": src.unit, "lang": src.lang, "kind": src.kind,
                 "source": f"content/{'lessons' if src.kind == 'lesson' else 'sessions'}/{src.path.parent.name}/{src.path.name}"},
    }
    setup_cls = "Lesson" if src.kind == "lesson" else "Session"
    cells = [nbformat.v4.new_code_cell(
        f"from sets_courseware.nb import {setup_cls}\nnb = {setup_cls}({src.unit!r}, {src.lang!r})",
        metadata={"sets": {"role": "setup", "unit": src.unit, "lang": src.lang}, "tags": ["setup"],
                  **({"slideshow": {"slide_type": "skip"}} if src.kind == "session" else {})})]
    for b in src.blocks:
        meta = _meta(b, src)
        if b.role == "section":
            st = b.subtopic
            text = f"## {section_heading(st, src.lang)}\n\n{b.body}".rstrip()
            cells.append(nbformat.v4.new_markdown_cell(text, metadata={"sets": {"role": "lesson", "unit": src.unit,
                                                                                   "lang": src.lang, "subtopic": st}}))
        elif b.role == "check":
            code = "\n".join(f"nb.check({item!r})" for item in b.args)
            cells.append(nbformat.v4.new_code_cell(code, metadata=meta))
        elif b.role == "quiz":
            cells.append(nbformat.v4.new_code_cell("nb.quiz()", metadata={**meta, "tags": ["quiz"]}))
        elif b.role in CODE_ROLES:
            cells.append(nbformat.v4.new_code_cell(b.body, metadata=meta))
        else:
            cells.append(nbformat.v4.new_markdown_cell(b.body, metadata=meta))
    if src.kind == "lesson" and glossary_path(src.course_id).exists():
        first = next((c for c in cells if c.cell_type == "markdown"), None)
        if first is not None:
            first.source = (first.source.rstrip() + f"\n\n📖 [{GLOSSARY_TEXT[src.lang]['link']}]({GLOSSARY_NOTEBOOK})")
    for i, cell in enumerate(cells):
        sets_meta = cell.metadata.get("sets", {})
        if sets_meta.get("role") == "lesson":  # the cell that opens a section: a stable link target
            cell["id"] = section_cell_id(sets_meta["subtopic"])
        else:
            cell["id"] = f"{src.unit.replace('.', '-')}-{src.lang}-{i:03d}"
    nb.cells = cells
    return nb


def source_files() -> list[Path]:
    base = content_dir()
    return sorted(base.glob("lessons/*/*.md")) + sorted(base.glob("sessions/*/*.md"))


def target_path(src: Source) -> Path:
    course = catalog().course(src.course_id)
    root = repo_root()
    assert root is not None
    if src.kind == "lesson":
        name = catalog().module(src.unit).notebook_name()
        return root / "notebooks" / course.folder / src.lang / name
    kinds = {s.id: s.kind for s in course.live_sessions}
    if src.unit not in kinds:
        raise ContentError(f"unknown live session '{src.unit}'", file=src.path)
    n = src.unit.split(".L")[1]
    return root / "notebooks" / course.folder / "sessions" / src.lang / f"session_{n}_{kinds[src.unit]}.ipynb"


def dumps(nb) -> str:
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def build_all(check_only: bool = False) -> list[Path]:
    """Build every notebook from content/; returns the notebooks that changed (or would change)."""
    errors: list[ContentError] = []
    built: list[tuple[Path, object]] = []
    for path in source_files():
        src = gather(errors, parse_source, path)
        out = gather(errors, target_path, src) if src is not None else None
        if out is not None:
            built.append((out, build_notebook(src)))
    built += [*competence_notebooks(), *(gather(errors, glossary_notebooks) or [])]
    changed: list[Path] = []
    for out, nb in built:
        text = dumps(nb)
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            changed.append(out)
            if not check_only:
                out.parent.mkdir(parents=True, exist_ok=True)
                tmp = out.with_suffix(".tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(out)
    if errors:
        raise ContentErrors(errors)
    return changed


GLOSSARY_NOTEBOOK = "glossary.ipynb"
GLOSSARY_TEXT = {
    "fr": {"title": "Glossaire du cours {course}", "intro": "Les termes de l'ESS et du droit français qui n'ont pas d'équivalent exact, avec leur traduction anglaise et une définition en une ligne.",
           "term": "Terme", "other": "En anglais", "definition": "Définition", "link": "Glossaire du cours"},
    "en": {"title": "Course {course} glossary", "intro": "ESS and French legal terms with no exact equivalent, with the French term and a one-line definition.",
           "term": "Term", "other": "In French", "definition": "Definition", "link": "Course glossary"},
}


def glossary_path(course_id: str) -> Path:
    return content_dir() / "glossary" / f"course{course_id}.yaml"


def glossary_notebooks() -> list[tuple[Path, object]]:
    """notebooks/<course>/<lang>/glossary.ipynb from content/glossary/course<N>.yaml, sorted by term."""
    from .content import load_glossary
    root = repo_root()
    out = []
    for course in catalog().courses:
        path = glossary_path(course.id)
        if root is None or not path.exists():
            continue
        glossary = load_glossary(path)
        for lang in LANGS:
            other = "en" if lang == "fr" else "fr"
            words = GLOSSARY_TEXT[lang]
            rows = sorted(glossary.entries, key=lambda e: e.text(lang).term.lower())
            table = "\n".join(
                f"| <a id=\"{e.id}\"></a>**{e.text(lang).term}** | {e.text(other).term} | {e.text(lang).definition} |"
                for e in rows)
            nb = nbformat.v4.new_notebook()
            nb.metadata = {"language_info": {"name": "python"}, "sets": {"unit": f"glossary-{course.id}", "lang": lang}}
            cell = nbformat.v4.new_markdown_cell(
                f"# {words['title'].format(course=course.id)}\n\n{words['intro']}\n\n"
                f"| {words['term']} | {words['other']} | {words['definition']} |\n|---|---|---|\n{table}")
            cell["id"] = f"glossary-{course.id}-{lang}"
            nb.cells = [cell]
            out.append((root / "notebooks" / course.folder / lang / GLOSSARY_NOTEBOOK, nb))
    return out


def competence_notebooks() -> list[tuple[Path, object]]:
    """notebooks/<course>/<lang>/competence_<course>.ipynb: the competence MCQ a learner opens
    locally (on a hub it arrives as the nbgrader assignment c<course>_<lang>, same notebook)."""
    from .content import LANGS, banks, catalog
    from .grading import competence_notebook
    from .settings import get_settings
    nb_dir = get_settings().notebooks_dir
    if nb_dir is None:
        return []
    return [(nb_dir / course.folder / lang / f"competence_{course.id}.ipynb", competence_notebook(course.id, lang))
            for course in catalog().courses if banks().competence_questions(course.id) for lang in LANGS]


def structure(nb) -> list[tuple]:
    """What must match between the FR and EN notebooks of a unit."""
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("sets", {})
        out.append((cell.cell_type, meta.get("role"), meta.get("subtopic"), tuple(meta.get("items", ()))))
    return out


def parity_problems(fr_nb, en_nb, name: str) -> list[str]:
    a, b = structure(fr_nb), structure(en_nb)
    if a == b:
        return []
    problems = [f"{name}: FR has {len(a)} cells, EN has {len(b)}"] if len(a) != len(b) else []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            problems.append(f"{name}: cell {i} differs: FR {x} vs EN {y}")
            break
    return problems


LANG_NAMES = {"fr": "français", "en": "English"}
assert set(LANG_NAMES) == set(LANGS)
