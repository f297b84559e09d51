"""nbgrader plug-ins: autograde runs only the grade cells; feedback teaches without giving keys away.

A module notebook is a whole lesson: exercises load spaCy, train scikit-learn models, run
OCR… Stock `nbgrader autograde` re-executes every cell of every submission. Grading needs
only the hidden grade cells, which nbgrader's sanitize step has already restored from the
source (OverwriteCells); each reads the answers file with a standard-library reader. So
`ExecuteGradedCells` runs those and nothing else: a submission grades in about the time of
a kernel start, and no learner code runs on the grading machine (the submitted notebook
itself stays untouched in `submitted/`).

Feedback: nbgrader's feedback shows each grade cell's source (the hidden tests, hence the
key) and its traceback. `TeachingFeedback`, placed after GetGrades, rewrites the feedback
copy of the notebook into a per-question report: points, the learner's choice, the right
answer and its explanation (module-quiz keys only, optionally only after the due date); no
source, assertion or traceback remains. `keep_only_feedback` (post-convert hook) leaves
nothing but the HTML report in `feedback/<learner>/<assignment>/`.

Enabled in `graders/nbgrader_config.py`.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.converters.autograde import Autograde
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Enum, Integer


class ExecuteGradedCells(Execute):
    """nbgrader's Execute (same configuration section, `c.Execute.*`), for grade cells only.

    Also caps what the cells may print (`c.ExecuteGradedCells.max_output_bytes`): output
    beyond it is dropped, so no submission can make the grading process hold gigabytes.
    """

    max_output_bytes = Integer(1_000_000, help="Output kept per notebook; the rest is dropped.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes = 0
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("grade"):
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = sum(len(str(v)) for v in content.values()) if isinstance(content, dict) else len(str(content))
        self._output_bytes = getattr(self, "_output_bytes", 0) + size
        if self._output_bytes > self.max_output_bytes:
            return None
        return super().output(outs, msg, display_id, cell_index)


def graded_cells_only() -> list:
    """nbgrader's default autograde preprocessors with Execute replaced by ExecuteGradedCells."""
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    return [ExecuteGradedCells if p is Execute else p for p in defaults]


FEEDBACK_TEXT = {
    "fr": {"title": "Retour sur le quiz du module {module}",
           "competence_title": "Retour sur le QCM d'acquisition des compétences du cours {course}", "score": "Score : {score:g} / {max:g}",
           "question": "Question {n}", "points": "{score:g} / {points:g} point",
           "yours": "Votre réponse", "none": "aucune réponse enregistrée", "right": "Bonne réponse",
           "why": "Pourquoi", "later": "Les bonnes réponses et leurs explications seront visibles après la date limite ({due}).",
           "hidden": "Les bonnes réponses ne sont pas communiquées pour ce quiz."},
    "en": {"title": "Feedback on the module {module} quiz",
           "competence_title": "Feedback on the course {course} competence MCQ", "score": "Score: {score:g} / {max:g}",
           "question": "Question {n}", "points": "{score:g} / {points:g} point",
           "yours": "Your answer", "none": "no answer saved", "right": "Right answer",
           "why": "Why", "later": "The right answers and their explanations will be shown after the due date ({due}).",
           "hidden": "The right answers are not given for this quiz."},
}


class TeachingFeedback(NbGraderPreprocessor):
    """Turn the autograded notebook into a per-question report; no cell source or output survives."""

    show_answers = Enum(["always", "after_due_date", "never"], default_value="after_due_date",
                        help="When feedback shows the right answer and its explanation. 'after_due_date' "
                             "shows them at once when the assignment has no due date.").tag(config=True)

    def preprocess(self, nb, resources):
        from .answers import answers_path, read_answers
        from .content import banks, load_graded_keys
        from .errors import AnswersFileError
        from .grading import parse_assignment

        module_id, lang = parse_assignment(resources["nbgrader"]["assignment"])
        words = FEEDBACK_TEXT[lang]
        questions = {q.id: q for q in banks().graded_questions(module_id)}
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        try:
            answers = read_answers(answers_path(module_id, folder))
        except AnswersFileError:
            answers = {}
        reveal, due = self._reveal(resources)
        keys = load_graded_keys(module_id) if reveal else {}
        title = (words["competence_title"].format(course=module_id[1:]) if module_id.startswith("c")
                 else words["title"].format(module=module_id))
        cells = [new_markdown_cell(
            f"## {title}\n\n"
            f"**{words['score'].format(score=resources['nbgrader'].get('score', 0), max=resources['nbgrader'].get('max_score', 0))}**"
            + ("" if reveal else "\n\n" + (words["later"].format(due=due) if due else words["hidden"])))]
        number = 0
        for cell in nb.cells:
            meta = cell.metadata.get("sets", {})
            grade = cell.metadata.get("nbgrader", {})
            if meta.get("role") != "grade" or not grade.get("grade") or meta.get("question") not in questions:
                continue
            number += 1
            qid = meta["question"]
            text = questions[qid].text(lang)
            chosen = answers.get(qid)
            lines = [f"### {words['question'].format(n=number)} — "
                     f"{words['points'].format(score=grade.get('score') or 0, points=grade.get('points') or 0)}",
                     "", html.escape(text.prompt), "",
                     f"- {words['yours']} : " if lang == "fr" else f"- {words['yours']}: "]
            lines[-1] += (f"{chosen}) {html.escape(text.choices[chosen])}" if chosen in text.choices
                          else f"*{words['none']}*")
            if reveal:
                key = keys[qid]
                sep = " : " if lang == "fr" else ": "
                lines.append(f"- {words['right']}{sep}{key.answer}) {html.escape(text.choices[key.answer])}")
                lines += ["", f"*{words['why']}*{sep}{html.escape(key.why(lang))}"]
            report = new_markdown_cell("\n".join(lines))
            # Keep nbgrader's grade metadata (score, points) so its template lists the question.
            report.metadata["nbgrader"] = {k: grade[k] for k in ("grade", "grade_id", "points", "score", "schema_version")
                                           if k in grade}
            report.metadata["nbgrader"]["solution"] = False
            cells.append(report)
        nb.cells = cells
        return nb, resources

    def _reveal(self, resources) -> tuple[bool, str | None]:
        if self.show_answers == "always":
            return True, None
        if self.show_answers == "never":
            return False, None
        from nbgrader.api import Gradebook
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            duedate = gb.find_assignment(resources["nbgrader"]["assignment"]).duedate
        if duedate is None:
            return True, None
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        return now >= duedate, duedate.strftime("%Y-%m-%d %H:%M UTC")

    def preprocess_cell(self, cell: NotebookNode, resources, index):
        return cell, resources


NBGRADER_KEEP = ("timestamp.txt", "submission_secret.txt")


def keep_only_feedback(assignment: str, student: str, notebooks: list) -> None:
    """Post-convert hook of GenerateFeedback: in feedback/<student>/<assignment>/ keep only the
    HTML reports (and nbgrader's own NBGRADER_KEEP files); nbgrader copies every other file of the
    autograded folder there."""
    from .settings import get_settings
    import os
    root = Path(os.getcwd())
    graders = root if (root / "nbgrader_config.py").exists() else get_settings().graders_dir
    # nbgrader passes its student and assignment patterns ("*" when run for everyone).
    for dest in (graders / "feedback").glob(f"{student or '*'}/{assignment or '*'}"):
        for path in sorted(dest.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            # nbgrader's timestamp.txt and submission_secret.txt stay: `nbgrader release_feedback`
            # (hub exchange) reads them.
            if path.is_symlink() or (path.is_file() and path.suffix != ".html" and path.name not in NBGRADER_KEEP):
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
