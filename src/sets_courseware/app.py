"""The Voilà page: self-assessment -> adaptive path, and final evaluation -> progress per module.

Thin: layout and calls into AssessmentService; scoring happens in the service, and the
browser only ever receives questions, the learner's own choices, scores and paths.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as w

from .assessment import AssessmentService, default_service
from .charts import grouped_bars
from .content import catalog, section_cell_id
from .errors import SetsError
from .i18n import t
from .privacy import notice_html
from .settings import get_settings
from .widgets import MCQ

STATUS_COLOURS = {"mastered": "#1b5e20", "suggested": "#8a5a00", "required": "#8a1c1c"}
CSS = """<style>
.sets-app {max-width: 60em; font-size: 15px}
.sets-app table.sets-table {border-collapse: collapse; margin: 0.5em 0}
.sets-app table.sets-table th, .sets-app table.sets-table td {border: 1px solid #c9d3e0; padding: 0.3em 0.7em; text-align: left}
.sets-app .sets-module-title {margin-top: 1.2em}
.sets-app .jupyter-widget-TabPanel .lm-TabBar-tab {flex: 0 0 auto !important; max-width: none !important; padding: 0 1em;
  color: #1f2933 !important}
.sets-app a {color: #1f5f8b; text-decoration: underline}
.sets-app .lm-TabBar-tab {min-width: 14em; flex: 0 0 auto}
.sets-app .widget-button {width: auto; max-width: 100%; height: auto; min-height: var(--jp-widgets-inline-height, 28px)}
.sets-app .widget-button, .sets-app .widget-toggle-button {white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.3}
.sets-app .sets-actions {flex-wrap: wrap; gap: 0.5em}
.sets-app .widget-dropdown, .sets-app .widget-text, .sets-app .widget-textarea {max-width: 100%}
.sets-app .widget-label {white-space: normal; width: auto; max-width: 100%}
.sets-app .widget-textarea {flex-wrap: wrap}
.sets-app .widget-textarea > label, .sets-app .widget-text > label {white-space: normal; width: 100% !important;
  max-width: 100%; line-height: 1.4; height: auto}
.sets-app .widget-toggle-buttons {flex-wrap: wrap}
.sets-app .widget-toggle-buttons .widget-toggle-button {width: auto; min-width: 7em}
@media (max-width: 600px) {
  .sets-app .widget-dropdown {flex-direction: column; align-items: stretch; height: auto}
  .sets-app .widget-dropdown > label {width: auto !important; text-align: left; margin-bottom: 0.2em}
  .sets-app .widget-dropdown > select {width: 100%; flex: 0 0 auto; height: auto; font-size: 13px; padding: 0.3em 1.6em 0.3em 0.3em}
  .sets-app .jupyter-widget-TabPanel .lm-TabBar-tab {min-width: 0; padding: 0 0.6em}
}
</style>"""


def warm() -> None:
    """What a preheated kernel runs before its page is asked for (see kernel_pool): imports,
    the catalog and banks parsed, the store opened and migrated. Nothing learner-specific."""
    from .content import banks
    catalog()
    for course in catalog().courses:
        banks().course_questions(course.id)
    service = default_service()
    if isinstance(service, AssessmentService):
        service.store  # noqa: B018 - opens the database (migrations) now, not on the first click


def remembered_learner(home: Path) -> str:
    """On a hub the learner is the hub user; locally a name given once and kept in SETS_HOME."""
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        return hub_user
    settings = get_settings()
    if settings.learner:
        return settings.learner
    try:
        return (home / "learner.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


class PathApp:
    def __init__(self, service: AssessmentService | None = None, learner: str | None = None, lang: str | None = None,
                 notebooks_url: str = "../../../lab/tree/notebooks"):
        settings = get_settings()
        self.service = service or default_service()
        self.home = settings.home
        self.learner = learner if learner is not None else remembered_learner(self.home)
        self.lang = lang or settings.lang
        self.notebooks_url = notebooks_url
        self.course_id: str | None = None
        self.view = w.VBox()
        self.view.add_class("sets-app")
        self.lang_picker = w.ToggleButtons(options=[("Français", "fr"), ("English", "en")], value=self.lang,
                                           description=t("path.language", self.lang))
        self.lang_picker.observe(self._lang_changed, names="value")
        self.course_picker = w.Dropdown(description=t("path.course", self.lang), layout=w.Layout(width="100%"))
        self._course_options()
        self.course_picker.observe(self._course_changed, names="value")
        self.body = w.VBox()
        self.render()

    # -- top of the page ---------------------------------------------------
    def _course_options(self) -> None:
        value = self.course_id
        self.course_picker.options = [("—", None)] + [
            (f"{c.id}. {c.short_title(self.lang)}", c.id) for c in catalog().courses]
        self.course_picker.value = value

    def _lang_changed(self, change) -> None:
        self.lang = change["new"]
        self.lang_picker.description = t("path.language", self.lang)
        self.course_picker.description = t("path.course", self.lang)
        self._course_options()
        self.render()

    def _course_changed(self, change) -> None:
        self.course_id = change["new"]
        self.render_body()

    def render(self) -> None:
        header = w.HTML(CSS + f"<h1>{html.escape(t('path.title', self.lang))}</h1>"
                        f"<p>{html.escape(t('path.intro', self.lang))}</p>" + notice_html(self.lang))
        self.view.children = [header, self.lang_picker, self._learner_row(), self.course_picker, self.body]
        self.render_body()

    def _learner_row(self) -> w.Widget:
        if self.learner:
            return w.HTML(f"<p>{html.escape(t('path.hello', self.lang, name=self.learner))}</p>")
        name = w.Text(description=t("path.learner", self.lang), style={"description_width": "initial"})
        ok = w.Button(description=t("path.learner_set", self.lang), button_style="primary")

        def set_name(_=None):
            if name.value.strip():
                self.learner = name.value.strip()
                from .private import private_dir, write_private
                private_dir(self.home)
                write_private(self.home / "learner.txt", self.learner)
                self.render()
        ok.on_click(set_name)
        return w.HBox([name, ok])

    # -- body: the two evaluations of the chosen course ------------------------
    def render_body(self) -> None:
        if not self.learner or not self.course_id:
            self.body.children = []
            return
        try:
            tabs = w.Tab(children=[self._evaluation("initial"), self._evaluation("final")])
            tabs.titles = (t("path.initial", self.lang), t("path.final", self.lang))
            if self.service.state(self.learner, self.course_id, "initial")["submitted_at"]:
                tabs.selected_index = 1 if self.service.state(self.learner, self.course_id, "final")["responses"] else 0
            self.body.children = [tabs, self._ask_box(), self._certification_box()]
        except SetsError as exc:
            self.body.children = [w.HTML(f'<p role="alert">{html.escape(t("path.error", self.lang, error=exc))}</p>')]

    def _evaluation(self, kind: str) -> w.Widget:
        course = catalog().course(self.course_id)
        if kind == "final" and not self.service.state(self.learner, course.id, "initial")["submitted_at"]:
            return w.HTML(f"<p>{html.escape(t('path.final_locked', self.lang))}</p>")
        state = self.service.state(self.learner, course.id, kind)
        submitted = state["submitted_at"] is not None
        responses = dict(state["responses"])
        status = w.HTML()
        items: list[w.Widget] = []
        mcqs: list[MCQ] = []
        by_module = {m.id: [] for m in course.modules}
        for q in self.service.questions(course.id):
            by_module[q.id.rsplit(".q", 1)[0]].append(q)

        def on_change(qid: str, choice: str | None) -> bool:
            try:
                self.service.save(self.learner, course.id, kind, qid, choice)
            except SetsError as exc:
                status.value = f'<p role="alert">{html.escape(t("path.error", self.lang, error=exc))}</p>'
                return False
            responses[qid] = choice
            done = sum(1 for m in mcqs if m.radio.value is not None)
            status.value = f'<p aria-live="polite">{html.escape(t("path.draft_saved", self.lang, done=done, total=len(mcqs)))}</p>'
            return True

        number = 0
        for module in course.modules:
            items.append(w.HTML(f'<h3 class="sets-module-title">{html.escape(module.id)} — '
                                f'{html.escape(module.title(self.lang))}</h3>'))
            for q in by_module[module.id]:
                number += 1
                mcq = MCQ(q, self.lang, number, responses.get(q.id), on_change)
                mcq.radio.disabled = submitted
                mcqs.append(mcq)
                items.append(mcq)
        done = sum(1 for m in mcqs if m.radio.value is not None)
        if done:
            status.value = f'<p aria-live="polite">{html.escape(t("path.draft_saved", self.lang, done=done, total=len(mcqs)))}</p>'
        results_box = w.VBox()
        if submitted:
            when = state["submitted_at"].strftime("%Y-%m-%d %H:%M")
            status.value = f"<p>{html.escape(t('path.submitted', self.lang, when=when))}</p>"
            results_box.children = self._results(kind, state["results"])
            return w.VBox([results_box, w.HTML("<hr>")] + items + [status])

        submit = w.Button(description=t("path.submit", self.lang), button_style="primary", icon="paper-plane",
                          layout=w.Layout(width="auto"))
        confirm = w.Button(description=t("path.submit_confirm", self.lang), button_style="warning",
                           layout=w.Layout(display="none", width="auto"))

        def do_submit(_=None) -> None:
            try:
                self.service.submit(self.learner, course.id, kind)
            except SetsError as exc:
                status.value = f'<p role="alert">{html.escape(t("path.error", self.lang, error=exc))}</p>'
                return
            self.render_body()

        def ask(_=None) -> None:
            missing = sum(1 for m in mcqs if m.radio.value is None)
            if missing:
                status.value = f'<p role="alert">{html.escape(t("path.unanswered", self.lang, n=missing))}</p>'
            confirm.layout.display = ""

        submit.on_click(ask)
        confirm.on_click(do_submit)
        actions = w.HBox([submit, confirm])
        actions.add_class("sets-actions")
        return w.VBox(items + [status, actions])

    def _certification_box(self) -> w.Widget:
        """What the certificate asks, what is done and what is left (certification.py's rules)."""
        from .certification import explain
        try:
            verdict = self.service.certification(self.learner, self.course_id)
        except (SetsError, AttributeError):
            return w.HTML()
        marks = {True: ("✓", "#1b5e20"), False: ("✗", "#8a1c1c"), None: ("…", "#8a5a00")}
        items = "".join(f'<li class="sets-cert-{c.rule}" style="color:{marks[c.done][1]}">{marks[c.done][0]} '
                        f"{html.escape(explain(c, self.lang))}</li>" for c in verdict.checks)
        lead = t("cert.ready", self.lang) if verdict.eligible else t("cert.intro", self.lang)
        return w.HTML(f'<div class="sets-certification"><h3>{html.escape(t("cert.title", self.lang))}</h3>'
                      f"<p><small>{html.escape(lead)}</small></p><ul>{items}</ul></div>")

    def _ask_box(self) -> w.Widget:
        course = catalog().course(self.course_id)
        # The box's label is the section's title: no heading repeating it above.
        text = w.Textarea(description=t("ask.title", self.lang), layout=w.Layout(width="100%", height="7em"),
                          style={"description_width": "100%"})
        module = w.Dropdown(options=[("—", None)] + [(f"{m.id} {m.title(self.lang)}", m.id) for m in course.modules],
                            description=t("ask.module", self.lang), style={"description_width": "initial"})
        send = w.Button(description=t("ask.send", self.lang), icon="question", layout=w.Layout(width="auto"))
        status = w.HTML()

        def on_send(_=None):
            try:
                self.service.ask(self.learner, course.id, text.value, module.value)
            except SetsError as exc:
                status.value = f'<p role="alert">{html.escape(t("path.error", self.lang, error=exc))}</p>'
                return
            text.value = ""
            status.value = f'<p role="status">{html.escape(t("ask.sent", self.lang))}</p>'

        send.on_click(on_send)
        box = w.VBox([text, w.HTML(f"<p><small>{html.escape(t('ask.help', self.lang))}</small></p>"),
                      module, send, status])
        box.add_class("sets-ask")
        return box

    # -- results --------------------------------------------------------------
    def _link(self, module_id: str, subtopic_id: str | None = None) -> str:
        module = catalog().module(module_id)
        folder = catalog().course(module.course_id).folder
        url = f"{self.notebooks_url}/{folder}/{self.lang}/{module.notebook_name()}"
        if subtopic_id:
            url += "#cell-id=" + section_cell_id(subtopic_id)
        return url

    def _results(self, kind: str, results) -> list[w.Widget]:
        course = catalog().course(self.course_id)
        path = self.service.path(course.id, results)
        rows = []
        for p in path:
            module = catalog().module(p.module)
            label = t(f"path.status.{p.status}", self.lang)
            rows.append(f"<tr><td>{p.module} {html.escape(module.title(self.lang))}</td><td>{p.percent:.0f} %</td>"
                        f'<td style="color:{STATUS_COLOURS[p.status]}"><strong>{html.escape(label)}</strong></td></tr>')
        table = (f"<h3>{html.escape(t('path.scores', self.lang))}</h3><table class='sets-table'>"
                 f"<tr><th>{t('path.module', self.lang)}</th><th>{t('path.score', self.lang)}</th>"
                 f"<th>{t('path.status', self.lang)}</th></tr>{''.join(rows)}</table>")
        out = [w.HTML(table)]
        if kind == "initial":
            out.append(w.HTML(self._path_html(path)))
        else:
            out.append(w.HTML(self._progress_html()))
        rules = self.service.rules
        mandatory = t("path.rules.mandatory", self.lang) if course.path_rule == "mandatory" else ""
        out.append(w.HTML(f"<details><summary>{html.escape(t('path.rules', self.lang))}</summary><p>"
                          + html.escape(t("path.rules.text", self.lang, mastered=rules.mastered_at,
                                          required=rules.required_below, mandatory=mandatory))
                          + "</p></details>"))
        return out

    def _path_html(self, path) -> str:
        parts = [f"<h3>{html.escape(t('path.your_path', self.lang))}</h3><ul class='sets-path'>"]
        for p in path:
            module = catalog().module(p.module)
            label = t(f"path.status.{p.status}", self.lang)
            head = (f'<a href="{self._link(p.module)}" target="_blank">{p.module} '
                    f"{html.escape(module.title(self.lang))}</a> — "
                    f'<span class="sets-status-{p.status}" style="color:{STATUS_COLOURS[p.status]}">{html.escape(label)}</span>')
            if not p.subtopics:
                parts.append(f"<li>{head}<br><small>{html.escape(t('path.nothing', self.lang))}</small></li>")
                continue
            lessons = "".join(f'<li><a href="{self._link(p.module, st)}" target="_blank">{st} '
                              f"{html.escape(catalog().subtopic(st).title(self.lang))}</a></li>" for st in p.subtopics)
            parts.append(f"<li>{head}<br>{html.escape(t('path.lessons_for', self.lang))}<ul>{lessons}</ul></li>")
        return "".join(parts) + "</ul>"

    def _progress_html(self) -> str:
        progress = self.service.progress(self.learner, self.course_id) or []
        rows = "".join(
            f"<tr><td>{g.module}</td><td>{g.pre:.0f} %</td><td>{g.post:.0f} %</td>"
            f"<td>{'—' if g.gain is None else f'{g.gain:+.2f}'}</td></tr>" for g in progress)
        chart = grouped_bars([g.module for g in progress],
                             [(t("path.pre", self.lang), "#9fb3c8", [g.pre for g in progress]),
                              (t("path.post", self.lang), "#1f5f8b", [g.post for g in progress])],
                             t("path.progress", self.lang))
        return (f"<h3>{html.escape(t('path.progress', self.lang))}</h3>{chart}<table class='sets-table'>"
                f"<tr><th>{t('path.module', self.lang)}</th><th>{t('path.pre', self.lang)}</th>"
                f"<th>{t('path.post', self.lang)}</th><th>{t('path.gain', self.lang)}</th></tr>{rows}</table>"
                f"<p><small>{html.escape(t('path.gain.help', self.lang))}</small></p>")

    def show(self):
        from IPython.display import display
        display(self.view)
        return self
