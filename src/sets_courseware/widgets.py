"""The two question widgets: the graded MCQ (saved at once, resumed on reopen) and the formative check."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

import anywidget
import ipywidgets as w
import traitlets

from .answers import AnswerFile
from .content import FormativeItem, SummativeQuestion
from .i18n import t

STATIC = Path(__file__).parent / "static"
#: Kept for pages that still include it; the choices' own style ships with ChoiceGroup.
CHOICES_CSS = ""


class ChoiceGroup(anywidget.AnyWidget):
    """One question as one radio group (fieldset + legend, native radios, radio before its label).

    One Tab stop; arrows move between choices without choosing and without moving
    JupyterLab's cell selection; Space/Enter choose; `status` is announced (role=status).
    The same widget renders in JupyterLab and in Voilà (anywidget's front end).
    """

    _esm = STATIC / "choices.js"
    _css = STATIC / "choices.css"
    #: [(label, value), ...] as ipywidgets' selection widgets take them
    options = traitlets.List().tag(sync=False)
    choices = traitlets.List().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    prompt = traitlets.Unicode("").tag(sync=True)
    number = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, options: list[tuple[str, object]], value=None, prompt: str = "", number: str = "", **kwargs):
        super().__init__(options=list(options), choices=[[v, label] for label, v in options], value=value,
                         prompt=prompt, number=number, **kwargs)

    @traitlets.validate("value")
    def _known_value(self, proposal):
        value = proposal["value"]
        if value is not None and value not in {v for _, v in self.options}:
            raise traitlets.TraitError(f"{value!r} is not one of the choices")
        return value


class MCQ(w.VBox):
    """A single-answer summative question. Holds no key: it only reports the choice."""

    def __init__(self, question: SummativeQuestion, lang: str, number: int, value: str | None,
                 on_change: Callable[[str, str | None], bool]):
        self.question = question
        text = question.text(lang)
        self._lang = lang
        self._on_change = on_change
        self.radio = ChoiceGroup([(f"{cid}) {label}", cid) for cid, label in sorted(text.choices.items())], value,
                                 prompt=text.prompt, number=t("question", lang, n=number),
                                 status=self.status_text(lang, value is not None))
        self.radio.observe(self._changed, names="value")
        super().__init__([self.radio], layout=w.Layout(margin="0 0 1em 0", width="100%"))
        self.add_class("sets-mcq")
        self.add_class("sets-q-" + question.id.replace(".", "-"))  # stable hook for browser tests

    @staticmethod
    def status_text(lang: str, saved: bool) -> str:
        return ("✔ " + t("quiz.saved", lang)) if saved else t("quiz.not_answered", lang)

    def _changed(self, change) -> None:
        # on_change says whether the choice was saved: never announce "saved" for a lost choice.
        if self._on_change(self.question.id, change["new"]) is False:
            self.radio.status = "⚠ " + t("quiz.not_saved", self._lang)
            return
        self.radio.status = self.status_text(self._lang, change["new"] is not None)


class ModuleQuiz(w.VBox):
    """The module's graded quiz: one MCQ per module-quiz item, saved to the answers file."""

    def __init__(self, module_id: str, questions: list[SummativeQuestion], lang: str, folder: Path | None = None,
                 title: str | None = None):
        self.file = AnswerFile(module_id, folder)
        self.lang = lang
        title = title or t("quiz.title", lang, module=module_id)
        header = [w.HTML(f"<h3>{html.escape(title)}</h3>"
                         f"<p>{html.escape(t('quiz.help', lang, file=self.file.path.name))}</p>")]
        if self.file.problem:
            aside = t("quiz.aside", lang, name=self.file.aside) if self.file.aside else ""
            message = t("quiz.broken", lang, problem=t(f"answers.{self.file.problem_code}", lang), aside=aside)
            header.append(w.HTML(f'<p class="sets-warning" role="alert">⚠ {html.escape(message)}</p>'))
        self.items = [MCQ(q, lang, i, self.file.answers.get(q.id), self._save)
                      for i, q in enumerate(questions, start=1)]
        self.progress = w.HTML()
        self._update_progress()
        super().__init__(header + self.items + [self.progress])
        self.add_class("sets-quiz")

    def _save(self, question_id: str, choice: str | None) -> bool:
        try:
            self.file.save(question_id, choice)
        except OSError as exc:
            self.progress.value = f'<p role="alert">{html.escape(t("quiz.save_failed", self.lang, error=exc))}</p>'
            return False
        self._update_progress()
        return True

    def _update_progress(self) -> None:
        done = sum(1 for it in self.items if it.question.id in self.file.answers)
        self.progress.value = f'<p aria-live="polite">{html.escape(t("quiz.progress", self.lang, done=done, total=len(self.items)))}</p>'


class FormativeCheck(w.VBox):
    """A practice question with immediate feedback and an explanation for the chosen option."""

    def __init__(self, item: FormativeItem, lang: str):
        self.item = item
        self.lang = lang
        text = item.text(lang)
        self.radio = ChoiceGroup([(c.text, i) for i, c in enumerate(text.choices)], None, prompt=text.prompt)
        self.feedback = w.HTML()
        self.radio.observe(self._changed, names="value")
        super().__init__([w.HTML(f"<p><em>{html.escape(t('check.title', lang))}</em></p>"), self.radio, self.feedback],
                         layout=w.Layout(border="1px solid #c9d3e0", padding="0.5em 1em", margin="0.5em 0"))
        self.add_class("sets-check")

    def feedback_for(self, index: int) -> tuple[bool, str]:
        choice = self.item.text(self.lang).choices[index]
        return choice.correct, choice.explanation

    def _changed(self, change) -> None:
        if change["new"] is None:
            self.feedback.value = ""
            return
        ok, why = self.feedback_for(change["new"])
        verdict = t("check.correct" if ok else "check.wrong", self.lang)
        colour = "#1b5e20" if ok else "#8a1c1c"
        self.feedback.value = (f'<div role="status" aria-live="polite" style="color:{colour}">'
                               f'<strong>{"✔" if ok else "✘"} {html.escape(verdict)}</strong> {html.escape(why)}</div>')
