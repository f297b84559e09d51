"""HTML fragments shared by notebooks and the Voilà pages (no logic, only presentation)."""

from __future__ import annotations

import html

from .content import catalog


def challenges_html(picked, scores: dict[str, float] | None, lang: str) -> str:
    labels = {"fr": ("Situation", "À faire", "Débriefing", "min", "Sous-thèmes"),
              "en": ("Situation", "Task", "Debrief", "min", "Sub-topics")}[lang]
    parts = []
    for ch in picked:
        text = getattr(ch, lang)
        sts = ", ".join(
            f"{st} {html.escape(catalog().subtopic(st).title(lang))}"
            + (f" ({scores[st]:.0f} %)" if scores and st in scores else "") for st in ch.subtopics)
        parts.append(
            f'<section class="sets-challenge" style="border:1px solid #c9d3e0;padding:0.6em 1em;margin:0.6em 0">'
            f"<h4>{html.escape(ch.id)} — {html.escape(text.title)} ({ch.minutes} {labels[3]})</h4>"
            f"<p><small>{labels[4]} : {sts}</small></p>"
            f"<p><strong>{labels[0]}</strong> — {html.escape(text.situation)}</p>"
            f"<p><strong>{labels[1]}</strong> — {html.escape(text.task)}</p>"
            f"<details><summary>{labels[2]}</summary><p>{html.escape(text.debrief)}</p></details></section>")
    return "\n".join(parts)


def outline_html(course, lang: str) -> str:
    heads = {"fr": ("Module", "Sous-thèmes", "Durée", "DigComp"), "en": ("Module", "Sub-topics", "Time", "DigComp")}[lang]
    rows = []
    sessions = {s.before_module: s for s in course.live_sessions if s.before_module}
    for m in course.modules:
        if m.id in sessions:
            ls = sessions[m.id]
            rows.append(f'<tr><td colspan="4"><em>{html.escape(ls.title(lang))} — {ls.duration_min} min</em></td></tr>')
        sts = "<br>".join(f"{s.id} {html.escape(s.title(lang))}" for s in m.subtopics)
        rows.append(f"<tr><td><strong>{m.id}</strong> {html.escape(m.title(lang))}</td><td>{sts}</td>"
                    f"<td>{m.duration_min} min</td><td>{', '.join(m.digcomp)}</td></tr>")
    for ls in course.live_sessions:
        if ls.after_module:
            rows.append(f'<tr><td colspan="4"><em>{html.escape(ls.title(lang))} — {ls.duration_min} min</em></td></tr>')
    head = "".join(f"<th>{h}</th>" for h in heads)
    return (f"<h3>{html.escape(course.title(lang))}</h3><p>{course.duration_h} h · EQF {course.eqf_level}</p>"
            f'<table class="sets-table" style="border-collapse:collapse"><tr>{head}</tr>{"".join(rows)}</table>')


def questions_html(course, rows: list[dict], lang: str) -> str:
    if not rows:
        return "<p>" + ("Aucune question reçue pour l'instant." if lang == "fr" else "No question received yet.") + "</p>"
    by_module: dict = {}
    for r in rows:
        by_module.setdefault(r["module"], []).append(r)
    parts = []
    for m in [m.id for m in course.modules] + [None]:
        if m not in by_module:
            continue
        title = f"{m} {catalog().module(m).title(lang)}" if m else ("Questions générales" if lang == "fr" else "General questions")
        items = "".join(f"<li>{html.escape(r['text'])} <small>({html.escape(r['learner'])})</small></li>" for r in by_module[m])
        parts.append(f"<h4>{html.escape(title)} ({len(by_module[m])})</h4><ol>{items}</ol>")
    return "".join(parts)
