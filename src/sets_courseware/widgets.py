"""The two question widgets: the graded MCQ (saved at once, resumed on reopen) and the formative check."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

import ipywidgets as w

from .answers import AnswerFile
from .content import FormativeItem, SummativeQuestion
from .i18n import t

_FULL = w.Layout(width="100%")
# Long answer choices must wrap without overlapping the next option (ipywidgets gives each
# radio label a fixed height), in JupyterLab as in Voilà.
CHOICES_CSS = """<style>
.sets-choices, .sets-choices .widget-radio-box {height: auto !important}
.sets-choices .widget-radio-box label {white-space: normal; height: auto !important; line-height: 1.4;
  display: flex; align-items: flex-start; gap: 0.4em; margin: 0.3em 0}
.sets-choices .widget-radio-box label input {flex: 0 0 auto; margin-top: 0.25em}
</style>"""


def _radio(options: list[tuple[str, str]], value: str | None, label: str) -> w.RadioButtons:
    radio = w.RadioButtons(options=options, value=value, layout=_FULL, style={"description_width": "0px"})
    radio.description_allow_html = False
    radio.add_class("sets-choices")
    # The visible prompt is the question's label for assistive technologies.
    radio.tooltip = label
    return radio


def _prompt(number: str, text: str) -> w.HTML:
    return w.HTML(f'<p class="sets-prompt" role="heading" aria-level="4"><strong>{html.escape(number)}</strong> '
                  f'{html.escape(text)}</p>')


class MCQ(w.VBox):
    """A single-answer summative question. Holds no key: it only reports the choice."""

    def __init__(self, question: SummativeQuestion, lang: str, number: int, value: str | None,
                 on_change: Callable[[str, str | None], None]):
        self.question = question
        text = question.text(lang)
        self.radio = _radio([(f"{cid}) {label}", cid) for cid, label in sorted(text.choices.items())], value,
                            text.prompt)
        self.status = w.HTML(self._status_html(lang, value is not None))
        self._lang = lang
        self._on_change = on_change
        self.radio.observe(self._changed, names="value")
        super().__init__([_prompt(t("question", lang, n=number), text.prompt), self.radio, self.status],
                         layout=w.Layout(margin="0 0 1em 0"))
        self.add_class("sets-mcq")
        self.add_class("sets-q-" + question.id.replace(".", "-"))  # stable hook for browser tests

    @staticmethod
    def _status_html(lang: str, saved: bool) -> str:
        word = t("quiz.saved", lang) if saved else t("quiz.not_answered", lang)
        return f'<span class="sets-status" aria-live="polite">{"✔ " if saved else ""}{html.escape(word)}</span>'

    def _changed(self, change) -> None:
        self._on_change(self.question.id, change["new"])
        self.status.value = self._status_html(self._lang, change["new"] is not None)


class ModuleQuiz(w.VBox):
    """The module's graded quiz: one MCQ per module-quiz item, saved to the answers file."""

    def __init__(self, module_id: str, questions: list[SummativeQuestion], lang: str, folder: Path | None = None,
                 title: str | None = None):
        self.file = AnswerFile(module_id, folder)
        self.lang = lang
        title = title or t("quiz.title", lang, module=module_id)
        header = [w.HTML(CHOICES_CSS + f"<h3>{html.escape(title)}</h3>"
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

    def _save(self, question_id: str, choice: str | None) -> None:
        try:
            self.file.save(question_id, choice)
        except OSError as exc:
            self.progress.value = f'<p role="alert">{html.escape(t("quiz.save_failed", self.lang, error=exc))}</p>'
            return
        self._update_progress()

    def _update_progress(self) -> None:
        done = sum(1 for it in self.items if it.question.id in self.file.answers)
        self.progress.value = f'<p aria-live="polite">{html.escape(t("quiz.progress", self.lang, done=done, total=len(self.items)))}</p>'


class FormativeCheck(w.VBox):
    """A practice question with immediate feedback and an explanation for the chosen option."""

    def __init__(self, item: FormativeItem, lang: str):
        self.item = item
        self.lang = lang
        text = item.text(lang)
        self.radio = _radio([(c.text, i) for i, c in enumerate(text.choices)], None, text.prompt)
        self.feedback = w.HTML()
        self.radio.observe(self._changed, names="value")
        super().__init__([w.HTML(CHOICES_CSS + f"<p><em>{html.escape(t('check.title', lang))}</em></p>"),
                          _prompt("", text.prompt), self.radio, self.feedback],
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
