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
