"""What a module or session notebook calls: `nb = Lesson("3.2", "fr")`, then `nb.check(id)`, `nb.quiz()`."""

from __future__ import annotations

from pathlib import Path

from IPython.display import display

from .content import banks, catalog
from .widgets import FormativeCheck, ModuleQuiz


def show_check(item_id: str, lang: str) -> None:
    """Display a formative check; nothing is returned, so a cell of several checks shows each once."""
    display(FormativeCheck(banks().formative_item(item_id), lang))


class Lesson:
    def __init__(self, module_id: str, lang: str = "fr", show_status: bool = True):
        self.module = catalog().module(module_id)
        self.lang = lang
        if show_status:
            banner = self.status_html()
            if banner:
                from IPython.display import HTML
                display(HTML(banner))

    def status(self):
        """This module's place in the learner's path, from their submitted self-assessment (or None)."""
        from .app import remembered_learner
        from .assessment import default_service
        from .settings import get_settings
        learner = remembered_learner(get_settings().home)
        if not learner:
            return None
        try:
            service = default_service()
            state = service.state(learner, self.module.course_id, "initial")
        except Exception:  # no store yet, or an unreachable database: the lesson still works
            return None
        if not state["results"]:
            return None
        return next((p for p in service.path(self.module.course_id, state["results"]) if p.module == self.module.id), None)

    def status_html(self) -> str:
        import html as _html
        from urllib.parse import quote

        from .content import anchor, section_heading
        from .i18n import t
        course = catalog().course(self.module.course_id)
        parts = []
        if course.path_rule == "mandatory":
            parts.append(t("lesson.mandatory_rule", self.lang))
        parts = [_html.escape(p) for p in parts]
        mine = self.status()
        if mine is not None:
            label = t(f"path.status.{mine.status}", self.lang)
            text = _html.escape(t("lesson.your_status", self.lang, status=label))
            if mine.subtopics:
                # In-notebook links: JupyterLab scrolls to the heading whose id is the anchor.
                links = " · ".join(
                    f'<a href="#{quote(anchor(st, self.lang), safe="")}">{_html.escape(section_heading(st, self.lang))}</a>'
                    for st in mine.subtopics)
                text += " " + _html.escape(t("path.lessons_for", self.lang)) + " " + links
            parts.append(text)
        if not parts:
            return ""
        return ('<div class="sets-status-banner" role="note" style="border-left:4px solid #1f5f8b;'
                'padding:0.4em 0.8em;background:#f3f7fb">' + "<br>".join(parts) + "</div>")

    def check(self, item_id: str) -> None:
        show_check(item_id, self.lang)

    def quiz(self, folder: Path | None = None) -> None:
        # Displayed, not returned: a cell ending in `nb.quiz()` would otherwise show it twice.
        display(ModuleQuiz(self.module.id, banks().module_quiz(self.module.id), self.lang, folder))


def competence_quiz(course_id: str, lang: str = "fr", folder: Path | None = None) -> None:
    """The course's competence MCQ (certification): same widget and answers file as a module quiz."""
    from .i18n import t
    course = catalog().course(course_id)
    display(ModuleQuiz(f"c{course.id}", banks().competence_questions(course.id), lang, folder,
                       title=t("competence.title", lang, course=course.id)))


class Session:
    """A live-session notebook (slides): gives access to the course and the cohort's results."""

    def __init__(self, session_id: str, lang: str = "fr"):
        course = catalog().course(session_id.split(".")[0])
        matches = [s for s in course.live_sessions if s.id == session_id]
        if not matches:
            from .errors import UnknownIdError
            raise UnknownIdError(f"unknown live session '{session_id}'")
        self.session = matches[0]
        self.course = course
        self.lang = lang

    def check(self, item_id: str) -> None:
        show_check(item_id, self.lang)

    def outline(self):
        """The course at a glance: modules, sub-topics, durations, DigComp, live sessions."""
        from IPython.display import HTML

        from .render import outline_html
        display(HTML(outline_html(self.course, self.lang)))

    def questions(self, cohort: str | None = None):
        """The questions learners left for this course's final session, grouped by module."""
        from IPython.display import HTML

        from .render import questions_html
        from .store import Store
        rows = Store.default().questions(self.course.id, cohort)
        display(HTML(questions_html(self.course, rows, self.lang)))
        return rows

    def challenges(self, scores: dict[str, float] | None = None, n: int = 4, cohort: str | None = None):
        """Show the n scenario challenges aimed at the cohort's weakest sub-topics.

        Without `scores`, the per-sub-topic scores of the cohort's initial self-assessments
        are read from the store; with none recorded yet, the bank's first challenges are shown.
        """
        from .sessions import pick_challenges
        from .render import challenges_html
        if scores is None:
            from .store import Store
            scores = Store.default().subtopic_scores(self.course.id, cohort=cohort)
        picked = pick_challenges(self.course.id, scores, n)
        from IPython.display import HTML
        display(HTML(challenges_html(picked, scores, self.lang)))
        return picked
