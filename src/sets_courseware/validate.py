"""`sets validate`: catalog, banks, keys, lesson sources and built notebooks checked together."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import nbformat

from .content import (LANGS, Banks, _collect_banks, bank_dir, catalog, load_catalog, load_competence_keys, load_keys,
                      load_quiz_keys)
from .errors import ContentError, ContentErrors, SetsError, gather

QUESTIONS_PER_MODULE = 5
QUIZ_PER_MODULE = 8
COMPETENCE_PER_COURSE = 15


def coverage_problems(banks_: Banks) -> list[ContentError]:
    """Each module: 5 assessment items whose tags spread over all its sub-topics as evenly as 5
    allow, and 8 module-quiz items that tag every sub-topic at least once."""
    errors = []
    for course in catalog().courses:
        items = banks_.competence_by_course.get(course.id, [])
        cpath = bank_dir("competence") / f"{course.id}.yaml"
        if len(items) != COMPETENCE_PER_COURSE:
            errors.append(ContentError(f"course {course.id} has {len(items)} competence question(s), needs {COMPETENCE_PER_COURSE}",
                                       file=cpath, field="questions"))
            continue
        drawn = {st.rsplit(".", 1)[0] for q in items for st in q.subtopics}
        missing = [m.id for m in course.modules if m.id not in drawn]
        if missing:
            errors.append(ContentError(f"no competence question draws on module(s) {', '.join(missing)}", file=cpath,
                                       field="subtopics"))
    for module in catalog().modules:
        quiz = banks_.quiz_by_module.get(module.id, [])
        qpath = bank_dir("quiz") / f"{module.id}.yaml"
        if len(quiz) != QUIZ_PER_MODULE:
            errors.append(ContentError(f"module {module.id} has {len(quiz)} module-quiz question(s), needs {QUIZ_PER_MODULE}",
                                       file=qpath, field="questions"))
        else:
            tagged = {st for q in quiz for st in q.subtopics}
            missing = [s.id for s in module.subtopics if s.id not in tagged]
            if missing:
                errors.append(ContentError(f"no module-quiz question tagged with sub-topic(s) {', '.join(missing)}",
                                           file=qpath, field="subtopics"))
        qs = banks_.by_module.get(module.id, [])
        path = bank_dir("summative") / f"{module.id}.yaml"
        if len(qs) != QUESTIONS_PER_MODULE:
            errors.append(ContentError(f"module {module.id} has {len(qs)} summative question(s), needs {QUESTIONS_PER_MODULE}",
                                       file=path, field="questions"))
            continue
        counts = Counter(st for q in qs for st in q.subtopics)
        tally = [counts.get(s.id, 0) for s in module.subtopics]
        missing = [s.id for s in module.subtopics if not counts.get(s.id)]
        if missing:
            errors.append(ContentError(f"no question tagged with sub-topic(s) {', '.join(missing)}", file=path, field="subtopics"))
        elif max(tally) - min(tally) > 1:
            errors.append(ContentError(f"tags are uneven across sub-topics ({dict(zip([s.id for s in module.subtopics], tally))})",
                                       file=path, field="subtopics"))
    return errors


def validate(keys_dir: Path | None = None, check_notebooks: bool = True, complete: bool = True) -> dict:
    """Run every check; raise ContentErrors listing all problems, or return counts."""
    errors: list[ContentError] = []
    cat = load_catalog()
    banks_, bank_errors = _collect_banks(cat, bank_dir("summative"), bank_dir("formative"), bank_dir("quiz"),
                                         bank_dir("competence"))
    errors.extend(bank_errors)
    if complete:
        errors.extend(coverage_problems(banks_))
    n_keys = n_quiz_keys = 0
    try:
        n_keys = len(load_keys(keys_dir, banks_))
    except ContentErrors as exc:
        errors.extend(exc.errors)
    except SetsError as exc:
        errors.append(ContentError(str(exc)))
    n_competence_keys = 0
    for loader in (load_quiz_keys, load_competence_keys):
        try:
            n = len(loader(keys_dir, banks_))
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        except SetsError as exc:
            errors.append(ContentError(str(exc)))
            continue
        if loader is load_quiz_keys:
            n_quiz_keys = n
        else:
            n_competence_keys = n
    n_notebooks = 0
    if check_notebooks:
        from .authoring import build_all, parity_problems
        from .settings import repo_root
        if repo_root() is not None:
            for path in gather(errors, build_all, True) or []:
                errors.append(ContentError("notebook is out of date with its source; run `sets build`", file=path))
            nb_dir = repo_root() / "notebooks"
            for fr_path in sorted(nb_dir.glob("*/fr/*.ipynb")) + sorted(nb_dir.glob("*/sessions/fr/*.ipynb")):
                en_path = Path(str(fr_path).replace("/fr/", "/en/"))
                n_notebooks += 1
                if not en_path.exists():
                    errors.append(ContentError("English twin missing", file=fr_path))
                    continue
                fr_nb, en_nb = nbformat.read(fr_path, 4), nbformat.read(en_path, 4)
                for p in parity_problems(fr_nb, en_nb, fr_path.name):
                    errors.append(ContentError(p, file=fr_path))
                for cell in fr_nb.cells + en_nb.cells:
                    for item in cell.metadata.get("sets", {}).get("items", []):
                        if item not in banks_.formative:
                            errors.append(ContentError(f"check of unknown formative item '{item}'", file=fr_path, item=item))
    if errors:
        raise ContentErrors(errors)
    return {"courses": len(cat.courses), "modules": len(cat.modules),
            "subtopics": sum(len(c.subtopics) for c in cat.courses),
            "summative": len(banks_.summative), "module_quiz": len(banks_.quiz), "formative": len(banks_.formative),
            "competence": len(banks_.competence), "keys": n_keys, "module_quiz_keys": n_quiz_keys,
            "competence_keys": n_competence_keys,
            "notebook_pairs": n_notebooks, "languages": list(LANGS)}
