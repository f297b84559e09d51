"""Grading: nbgrader source notebooks with hidden-test keys, and direct scoring of answers files.

Pipeline (each step one function, see `sets grade --help`):
  source    learner notebook + keys -> graders/source/<assignment>/<notebook> (grade cells, hidden tests)
  release   `nbgrader generate_assignment` (strips the hidden tests, hence the keys)
  autograde `nbgrader autograde` (runs only nbgrader's cells, see nbgrader_ext.py; grade cells read the answers file)
  direct    scores the submitted answers files without running learner code, and compares
            with nbgrader's scores: a disagreement flags a tampered submission.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .answers import answers_path, read_answers
from .content import LANGS, Key, banks, catalog, load_graded_keys, load_keys
from .coverage import module_notebook
from .errors import AnswersFileError, ContentError, SetsError
from .settings import get_settings

POINTS_PER_QUESTION = 1


def assignment_id(scope: str, lang: str) -> str:
    """A module's quiz ("3.2") -> m3_2_fr; a course's competence MCQ ("c3") -> c3_fr."""
    if scope.startswith("c"):
        return f"{scope}_{lang}"
    return f"m{scope.replace('.', '_')}_{lang}"


def parse_assignment(assignment: str) -> tuple[str, str]:
    """'m3_2_fr' -> ('3.2', 'fr'); 'c3_en' -> ('c3', 'en')."""
    try:
        body, lang = assignment[1:].rsplit("_", 1)
        if lang not in LANGS:
            raise ValueError
        if assignment.startswith("c"):
            catalog().course(body)
            return f"c{body}", lang
        module_id = body.replace("_", ".")
        catalog().module(module_id)
        if not assignment.startswith("m"):
            raise ValueError
        return module_id, lang
    except (ValueError, SetsError):
        raise SetsError(f"'{assignment}' is not an assignment id",
                        hint="like m3_2_fr (module 3.2 quiz, French) or c3_en (course 3 competence MCQ, English)") from None


def _grade_cell(module_id: str, qid: str, answer: str) -> nbformat.NotebookNode:
    # The grade cell imports only the standard-library reader of the answers file
    # (sets_courseware.answers): a grading kernel starts, reads a few bytes and stops.
    src = (f"# {qid}: {POINTS_PER_QUESTION} point — reads the choice saved by the quiz above\n"
           f"from sets_courseware.answers import saved_choice\n"
           f"choice = saved_choice({module_id!r}, {qid!r})\n"
           f"assert choice is not None, 'no answer saved for {qid}'\n"
           f"### BEGIN HIDDEN TESTS\n"
           f"assert choice == {answer!r}, 'wrong answer for {qid}'\n"
           f"### END HIDDEN TESTS")
    cell = nbformat.v4.new_code_cell(src)
    grade_id = "grade_" + qid.replace(".", "_")
    cell.id = grade_id.replace("_", "-")
    cell.metadata = {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": True,
                                  "points": POINTS_PER_QUESTION, "schema_version": 3,
                                  "solution": False, "task": False},
                     "sets": {"role": "grade", "question": qid}, "tags": ["grade"]}
    return cell


def competence_notebook(course_id: str, lang: str) -> nbformat.NotebookNode:
    """The competence MCQ's learner notebook: an introduction, the setup cell and the quiz."""
    from .i18n import t
    course = catalog().course(course_id)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    intro = nbformat.v4.new_markdown_cell(
        f"# {t('competence.title', lang, course=course.id)} — {course.short_title(lang)}\n\n{t('competence.intro', lang)}")
    intro.id = "competence-intro"
    setup = nbformat.v4.new_code_cell(f"from sets_courseware.nb import competence_quiz\ncompetence_quiz({course_id!r}, {lang!r})")
    setup.id = "competence-quiz"
    setup.metadata = {"sets": {"role": "quiz"}, "tags": ["quiz"]}
    nb.cells = [intro, setup]
    return nb


def build_source(module_id: str, lang: str, keys: dict[str, Key], graders_dir: Path,
                 notebooks_dir: Path | None = None) -> Path:
    """Write graders/source/<assignment>/<notebook>: the learner notebook plus locked grade cells.

    `module_id` is a module ("3.2": its notebook and quiz) or a course's competence MCQ ("c3")."""
    if module_id.startswith("c"):
        course_id = module_id[1:]
        questions = banks().competence_questions(course_id)
        if not questions:
            raise ContentError(f"course {course_id} has no competence questions", file=graders_dir)
        nb = competence_notebook(course_id, lang)
        cells = []
        for cell in nb.cells:
            if cell.metadata.get("sets", {}).get("role") == "quiz":
                cell.metadata["nbgrader"] = {"grade": False, "grade_id": f"quiz_{module_id}", "locked": True,
                                             "schema_version": 3, "solution": False, "task": False}
                cells.append(cell)
                cells.extend(_grade_cell(module_id, q.id, keys[q.id].answer) for q in questions)
            else:
                cells.append(cell)
        nb.cells = cells
        target = graders_dir / "source" / assignment_id(module_id, lang) / f"competence_{course_id}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        return target
    src_path = module_notebook(module_id, lang, notebooks_dir)
    if not src_path.exists():
        raise ContentError("module notebook not found; run `sets build`", file=src_path)
    nb = nbformat.read(src_path, as_version=4)
    questions = banks().module_quiz(module_id)
    if not questions:
        raise ContentError(f"module {module_id} has no module-quiz questions", file=src_path)
    out_cells = []
    for cell in nb.cells:
        cell = copy.deepcopy(cell)
        role = cell.metadata.get("sets", {}).get("role")
        if role in ("setup", "quiz"):
            # Locked so that a learner cannot swap the quiz for something else unnoticed.
            gid = f"{role}_{module_id.replace('.', '_')}"
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": gid, "locked": True,
                                         "schema_version": 3, "solution": False, "task": False}
        out_cells.append(cell)
        if role == "quiz":
            out_cells.extend(_grade_cell(module_id, q.id, keys[q.id].answer) for q in questions)
    if not any(c.metadata.get("sets", {}).get("role") == "quiz" for c in nb.cells):
        raise ContentError("module notebook has no '+++ quiz' cell", file=src_path)
    nb.cells = out_cells
    target = graders_dir / "source" / assignment_id(module_id, lang) / src_path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def nbgrader(args: list[str], graders_dir: Path, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run the real nbgrader command line in the course directory."""
    bindir = Path(sys.executable).parent
    exe = bindir / "nbgrader"
    cmd = [str(exe) if exe.exists() else "nbgrader", *args]
    # nbgrader runs `alembic` and the kernel from PATH: put this environment's bin first.
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(cmd, cwd=graders_dir, capture_output=True, text=True, timeout=timeout, env=env)
    if (graders_dir / "gradebook.db").exists():  # nbgrader writes it 0644: scores of every learner
        from .private import private_file
        private_file(graders_dir / "gradebook.db")
    if proc.returncode != 0:
        raise SetsError(f"`nbgrader {' '.join(args)}` failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}",
                        file=graders_dir)
    return proc


@dataclass
class DirectScore:
    student: str
    assignment: str
    score: float
    max_score: float
    problem: str | None = None


def direct_score(submission_dir: Path, module_id: str, keys: dict[str, Key]) -> tuple[float, float, str | None]:
    """Score a submission's answers file without executing anything; never raises on its content."""
    questions = banks().graded_questions(module_id)
    max_score = float(POINTS_PER_QUESTION * len(questions))
    try:
        answers = read_answers(answers_path(module_id, submission_dir))
    except AnswersFileError as exc:
        return 0.0, max_score, str(exc)
    got = sum(POINTS_PER_QUESTION for q in questions if answers.get(q.id) == keys[q.id].answer)
    unknown = sorted(set(answers) - {q.id for q in questions})
    problem = f"answers for unknown question id(s) ignored: {', '.join(unknown)[:200]}" if unknown else None
    return float(got), max_score, problem


def direct_scores(graders_dir: Path, assignment: str, keys: dict[str, Key] | None = None) -> list[DirectScore]:
    module_id, _ = parse_assignment(assignment)
    keys = keys or load_graded_keys(module_id)
    out = []
    for sub in sorted((graders_dir / "submitted").glob(f"*/{assignment}")):
        score, max_score, problem = direct_score(sub, module_id, keys)
        out.append(DirectScore(sub.parent.name, assignment, score, max_score, problem))
    return out


def gradebook_scores(graders_dir: Path, assignment: str) -> dict[str, float]:
    """nbgrader's own total per student for an assignment, read through its Gradebook API."""
    from nbgrader.api import Gradebook
    db = graders_dir / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gb:
        out = {}
        for sub in gb.assignment_submissions(assignment):
            out[sub.student.id] = float(sub.score)
        return out


def compare(graders_dir: Path, assignment: str, keys: dict[str, Key] | None = None) -> list[dict]:
    """Direct and nbgrader scores side by side; `agree` False flags a submission to look at."""
    nbg = gradebook_scores(graders_dir, assignment)
    rows = []
    for d in direct_scores(graders_dir, assignment, keys):
        nb_score = nbg.get(d.student)
        rows.append({"student": d.student, "assignment": assignment, "direct": d.score, "nbgrader": nb_score,
                     "max": d.max_score, "agree": nb_score is not None and abs(nb_score - d.score) < 1e-9,
                     "problem": d.problem})
    return rows


def write_config(graders_dir: Path) -> None:
    """Nothing to write: graders/nbgrader_config.py is versioned; kept for symmetry of the steps."""
    if not (graders_dir / "nbgrader_config.py").exists():
        raise ContentError("nbgrader_config.py missing", file=graders_dir)


def release(module_ids: list[str], langs: list[str], graders_dir: Path | None = None) -> list[str]:
    """source + generate_assignment for each module (or competence MCQ "cN") and language."""
    graders_dir = graders_dir or get_settings().graders_dir
    write_config(graders_dir)
    done = []
    for module_id in module_ids:
        keys = load_graded_keys(module_id)
        for lang in langs:
            build_source(module_id, lang, keys, graders_dir)
            aid = assignment_id(module_id, lang)
            nbgrader(["generate_assignment", aid, "--force"], graders_dir)
            done.append(aid)
    return done


def leaked_keys(folder: Path, keys: dict[str, Key] | None = None, module_ids: list[str] | None = None) -> list[str]:
    """Places in a folder (a release, feedback) where a key shows: hidden-test markers, key
    asserts, explanations of the given keys (by default the assessment items' keys, which no
    learner may ever see: feedback may teach module-quiz keys, never these)."""
    keys = keys or load_keys()
    problems = []
    needles = ["BEGIN HIDDEN TESTS", "choice == ", "AssertionError", "Traceback (most recent call last)"]
    for qid, key in keys.items():
        if module_ids and qid.rsplit(".", 1)[0] not in module_ids:
            continue
        if key.why:
            needles += [key.why.fr, key.why.en]
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            text = path.read_text(encoding="utf-8", errors="replace")
            for needle in needles:
                if needle in text:
                    problems.append(f"{path.relative_to(folder)}: {needle[:60]!r}")
    return problems


def dump(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)
