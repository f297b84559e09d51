"""The trainer's dashboard (Voilà page `voila_app/dashboard.ipynb`): a cohort at a glance, live-session tools, exports.

Thin: it asks a cohort source (`cohort.cohort_source()`: this machine's store and keys, or the
hub's assessment service with the trainer's token) for plain data and renders it. Locally:
`sets dashboard`. On a hub the page is in every server, but only a trainer's token may read
the cohort: anyone else gets the service's refusal, explained.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as w

from .cohort import (attendance_csv, attendance_grid, challenge_plan, cohort_source, gains_csv, items_csv,
                     mastery_csv, questions_csv)
from .content import catalog
from .errors import SetsError
from .i18n import t

CSS = """<style>
.sets-dash {max-width: 72em; font-size: 15px}
.sets-dash table.sets-table {border-collapse: collapse; margin: 0.5em 0}
.sets-dash table.sets-table th, .sets-dash table.sets-table td {border: 1px solid #c9d3e0; padding: 0.25em 0.6em; text-align: left}
.sets-dash .sets-flag {color: #8a1c1c; font-weight: bold}
.sets-dash .widget-button {width: auto; height: auto; white-space: normal}
.sets-dash .jupyter-widget-TabPanel .lm-TabBar-tab {flex: 0 0 auto !important; max-width: none !important; min-width: 8em; padding: 0 1em;
  color: #1f2933 !important; background: #eef2f6 !important}
.sets-dash .jupyter-widget-TabPanel .lm-TabBar-tab.lm-mod-current {background: #ffffff !important}
.sets-dash .jupyter-widget-TabPanel .lm-TabBar-tabLabel {color: inherit !important}
.sets-dash .widget-checkbox {width: auto}
.sets-dash .sets-attendance .widget-label {width: 14em}
.sets-dash a {color: #1f5f8b}
</style>"""


def _download(name: str, data: bytes, mime: str, label: str) -> str:
    b64 = base64.b64encode(data).decode()
    return (f'<a class="sets-download" download="{html.escape(name)}" href="data:{mime};base64,{b64}">'
            f"{html.escape(label)}</a>")


def flag_text(flag: str, lang: str) -> str:
    return t(f"dash.flag.{flag}", lang)


class Dashboard:
    def __init__(self, source=None, lang: str | None = None, course_id: str | None = None):
        from .settings import get_settings
        self.source = source or cohort_source()
        self.lang = lang or get_settings().lang
        self.course_id = course_id
        self.report = None
        self.view = w.VBox()
        self.view.add_class("sets-dash")
        self.course_picker = w.Dropdown(description=t("path.course", self.lang), layout=w.Layout(width="100%"),
                                        options=[("—", None)] + [(f"{c.id}. {c.short_title(self.lang)}", c.id)
                                                                 for c in catalog().courses], value=course_id)
        self.course_picker.observe(lambda change: self.show_course(change["new"]), names="value")
        self.body = w.VBox()
        header = w.HTML(CSS + f"<h1>{html.escape(t('dash.title', self.lang))}</h1>"
                        f"<p>{html.escape(t('dash.intro', self.lang))}</p>")
        try:
            allowed = self.source.allowed()
        except SetsError as exc:
            self.view.children = [header, w.HTML(f'<p role="alert">{html.escape(t("dash.error", self.lang, error=exc))}</p>')]
            return
        if not allowed:
            self.view.children = [header, w.HTML(f'<p role="alert">{html.escape(t("dash.trainers_only", self.lang))}</p>')]
            return
        self.view.children = [header, self.course_picker, self.body]
        if course_id:
            self.show_course(course_id)

    # -- one course -------------------------------------------------------------------
    def show_course(self, course_id: str | None) -> None:
        self.course_id = course_id
        if not course_id:
            self.body.children = []
            return
        try:
            self.report = self.source.report(course_id)
            questions = self.source.questions(course_id)
        except SetsError as exc:
            self.body.children = [w.HTML(f'<p role="alert">{html.escape(t("dash.error", self.lang, error=exc))}</p>')]
            return
        self.questions = questions
        summary = w.HTML(f"<p>{html.escape(t('dash.counts', self.lang, initial=self.report.n_initial, final=self.report.n_final))}</p>")
        tabs = w.Tab(children=[self._mastery(), self._progress(), self._items(), self._session2(), self._session3(),
                               self._attendance(), self._exports()])
        tabs.titles = tuple(t(f"dash.tab.{k}", self.lang) for k in
                            ("mastery", "progress", "items", "session2", "session3", "attendance", "export"))
        self.body.children = [summary, tabs]

    def _chart(self, figure_fn, alt_key: str) -> w.HTML:
        from .cohort_charts import img_tag
        return w.HTML(img_tag(figure_fn(self.report, self.lang), t(alt_key, self.lang)))

    def _mastery(self) -> w.Widget:
        from .cohort_charts import mastery_heatmap
        if not self.report.n_initial:
            return w.HTML(f"<p>{html.escape(t('dash.empty', self.lang))}</p>")
        weakest = "".join(f"<li>{st} {html.escape(catalog().subtopic(st).title(self.lang))} — {v:.0f} %</li>"
                          for st, v in self.report.weakest(5))
        return w.VBox([self._chart(mastery_heatmap, "dash.mastery.alt"),
                       w.HTML(f"<h3>{html.escape(t('dash.weakest', self.lang))}</h3><ol>{weakest}</ol>")])

    def _progress(self) -> w.Widget:
        from .cohort_charts import progress_figure
        if not self.report.n_final:
            return w.HTML(f"<p>{html.escape(t('dash.no_final', self.lang))}</p>")
        rows = "".join(f"<tr><td>{p.module}</td><td>{p.n}</td><td>{p.pre:.0f} %</td><td>{p.post:.0f} %</td>"
                       f"<td>{'—' if p.gain is None else f'{p.gain:+.2f}'}</td></tr>" for p in self.report.progress)
        heads = "".join(f"<th>{html.escape(t(k, self.lang))}</th>" for k in
                        ("path.module", "dash.learners", "dash.before", "dash.after", "dash.gain"))
        return w.VBox([self._chart(progress_figure, "dash.progress.alt"),
                       w.HTML(f"<table class='sets-table'><tr>{heads}</tr>{rows}</table>"
                              f"<p><small>{html.escape(t('path.gain.help', self.lang))}</small></p>")])

    def _items(self) -> w.Widget:
        from .cohort_charts import choice_shares, items_scatter
        if not self.report.items:
            return w.HTML(f"<p>{html.escape(t('dash.empty', self.lang))}</p>")
        rows = []
        for i in self.report.items:
            shares = " ".join(f"{c}: {i.shares[c] * 100:.0f} %" + ("*" if c == i.key else "") for c in "abcd")
            flags = ", ".join(flag_text(f, self.lang) for f in i.flags)
            rows.append(f"<tr><td>{i.question}</td><td>{i.facility:.2f}</td><td>{i.discrimination:+.2f}</td>"
                        f"<td>{shares}</td><td class='sets-flag'>{html.escape(flags)}</td></tr>")
        heads = "".join(f"<th>{html.escape(t(k, self.lang))}</th>" for k in
                        ("dash.question", "dash.facility", "dash.discrimination", "dash.shares", "dash.flags"))
        flagged = sum(1 for i in self.report.items if i.flags)
        return w.VBox([
            w.HTML(f"<p>{html.escape(t('dash.items.help', self.lang, flagged=flagged, total=len(self.report.items)))}</p>"),
            self._chart(items_scatter, "dash.items.scatter_alt"),
            self._chart(choice_shares, "dash.items.shares_alt"),
            w.HTML(f"<details><summary>{html.escape(t('dash.items.table', self.lang))}</summary>"
                   f"<table class='sets-table sets-items'><tr>{heads}</tr>{''.join(rows)}</table>"
                   f"<p><small>{html.escape(t('dash.items.key_note', self.lang))}</small></p></details>")])

    def _session2(self) -> w.Widget:
        from .render import challenges_html
        from .sessions import challenges
        plan = challenge_plan(self.course_id, self.report.mastery_before, self.lang)
        rows = "".join(f"<tr><td>{s.start // 60}:{s.start % 60:02d}–{(s.start + s.minutes) // 60}:{(s.start + s.minutes) % 60:02d}</td>"
                       f"<td>{s.minutes} min</td><td>{html.escape(s.title)}</td>"
                       f"<td>{html.escape(', '.join(s.subtopics))}</td></tr>" for s in plan)
        heads = "".join(f"<th>{html.escape(t(k, self.lang))}</th>" for k in
                        ("dash.when", "dash.duration", "dash.activity", "dash.subtopics"))
        picked = [c for s in plan if s.challenge for c in challenges(self.course_id) if c.id == s.challenge]
        return w.HTML(f"<p>{html.escape(t('dash.session2.help', self.lang))}</p>"
                      f"<table class='sets-table sets-plan'><tr>{heads}</tr>{rows}</table>"
                      + challenges_html(picked, self.report.mastery_before or None, self.lang))

    def _session3(self) -> w.Widget:
        from .render import questions_html
        course = catalog().course(self.course_id)
        return w.HTML(f"<p>{html.escape(t('dash.session3.help', self.lang, n=len(self.questions)))}</p>"
                      + questions_html(course, self.questions, self.lang))

    def _attendance(self) -> w.Widget:
        course = catalog().course(self.course_id)
        sessions = course.live_sessions
        status = w.HTML()
        grid = attendance_grid(self.course_id, self.source.learners(self.course_id),
                               self.source.attendance(self.course_id))
        rows = []
        for row in grid:
            boxes = [w.HTML(f"<strong>{html.escape(row['learner'])}</strong>", layout=w.Layout(width="12em"))]
            for s in sessions:
                box = w.Checkbox(value=bool(row[s.id]), description=s.id, indent=False,
                                 tooltip=f"{row['learner']} — {s.title(self.lang)}",
                                 layout=w.Layout(width="auto", margin="0 1.5em 0 0"))
                box.add_class("sets-present")

                def saved(change, learner=row["learner"], session=s.id):
                    try:
                        self.source.record_attendance(learner, self.course_id, session, change["new"])
                        word = t("dash.present" if change["new"] else "dash.absent", self.lang)
                        status.value = (f'<p role="status">{html.escape(t("dash.attendance.saved", self.lang, learner=learner, session=session, state=word))}</p>')
                    except SetsError as exc:
                        status.value = f'<p role="alert">{html.escape(t("dash.error", self.lang, error=exc))}</p>'
                box.observe(saved, names="value")
                boxes.append(box)
            rows.append(w.HBox(boxes))
        box = w.VBox([w.HTML(f"<p>{html.escape(t('dash.attendance.help', self.lang))}</p>"
                             + "<ul>" + "".join(f"<li>{s.id}: {html.escape(s.title(self.lang))}</li>" for s in sessions)
                             + "</ul>"), *rows, status])
        box.add_class("sets-attendance")
        return box

    def _exports(self) -> w.Widget:
        out = w.HTML()
        make = w.Button(description=t("dash.export.make", self.lang), button_style="primary", icon="download",
                        layout=w.Layout(width="auto"))

        def build(_=None):
            files = export_data(self.source, self.course_id, self.report, self.questions, self.lang)
            out.value = "<ul>" + "".join(f"<li>{_download(n, d, m, n)}</li>" for n, d, m in files) + "</ul>"
        make.on_click(build)
        return w.VBox([w.HTML(f"<p>{html.escape(t('dash.export.help', self.lang))}</p>"), make, out])

    def show(self):
        from IPython.display import display
        display(self.view)


def export_data(source, course_id: str, report=None, questions=None, lang: str = "fr") -> list[tuple[str, bytes, str]]:
    """(file name, content, MIME type) of every export of a course: five CSV files and the PDF report."""
    report = report or source.report(course_id)
    questions = source.questions(course_id) if questions is None else questions
    grid = attendance_grid(course_id, source.learners(course_id), source.attendance(course_id))
    c = course_id
    return [(f"items-{c}.csv", items_csv(report).encode(), "text/csv"),
            (f"mastery-{c}.csv", mastery_csv(report).encode(), "text/csv"),
            (f"gains-{c}.csv", gains_csv(report).encode(), "text/csv"),
            (f"attendance-{c}.csv", attendance_csv(c, grid).encode(), "text/csv"),
            (f"questions-{c}.csv", questions_csv(questions).encode(), "text/csv"),
            (f"cohort-{c}.pdf", pdf_report(report, questions, grid, lang), "application/pdf")]


def export_files(source, course_id: str | None, folder, lang: str = "fr") -> list:
    """`sets dashboard --export DIR --course C`: the exports written to DIR (atomically, owner-only)."""
    import os
    import tempfile
    from pathlib import Path

    if not course_id:
        raise SetsError("--export needs --course", hint="e.g. sets dashboard --export exports --course 2")
    catalog().course(course_id)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data, _ in export_data(source, course_id, lang=lang):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")  # mode 600
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / name)
        written.append(folder / name)
    return written


def pdf_report(report, questions: list[dict], grid: list[dict], lang: str = "fr") -> bytes:
    """The dashboard as a PDF: charts, flagged items, the session-2 plan, session-3 questions, attendance."""
    import io

    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from .cohort_charts import choice_shares, items_scatter, mastery_heatmap, progress_figure
    course = catalog().course(report.course)
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": f"{t('dash.title', lang)} — {course.short_title(lang)}"}) as pdf:
        lines = [t("dash.title", lang) + " — " + course.short_title(lang),
                 t("dash.counts", lang, initial=report.n_initial, final=report.n_final), ""]
        lines.append(t("dash.items.table", lang))
        for i in report.items:
            flags = ", ".join(flag_text(f, lang) for f in i.flags)
            lines.append(f"  {i.question}  p={i.facility:.2f}  D={i.discrimination:+.2f}  {flags}")
        lines += ["", t("dash.tab.session2", lang)]
        for s in challenge_plan(report.course, report.mastery_before, lang):
            lines.append(f"  {s.start:>3}–{s.start + s.minutes:<3} min  {s.title}")
        lines += ["", t("dash.tab.session3", lang)]
        lines += [f"  [{q.get('module') or '—'}] {q['text'][:90]} ({q['learner']})" for q in questions]
        lines += ["", t("dash.tab.attendance", lang)]
        sessions = [s.id for s in course.live_sessions]
        mark = {True: "✓", False: "✗", None: "·"}
        lines += [f"  {row['learner']:<24} " + "  ".join(f"{s}:{mark[row[s]]}" for s in sessions) for row in grid]
        per_page = 58
        for start in range(0, len(lines), per_page):
            page = Figure(figsize=(8.27, 11.69))
            page.text(0.06, 0.96, "\n".join(lines[start:start + per_page]), va="top", family="DejaVu Sans",
                      fontsize=8, linespacing=1.5)
            pdf.savefig(page)
        for fn in (mastery_heatmap, progress_figure, items_scatter, choice_shares):
            if fn is progress_figure and not report.n_final:
                continue
            if not report.n_initial:
                break
            pdf.savefig(fn(report, lang), bbox_inches="tight")
    return buf.getvalue()
