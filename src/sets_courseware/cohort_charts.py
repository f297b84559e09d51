"""Matplotlib charts of a cohort report (dashboard and PDF export), drawn with the object API (no pyplot)."""

from __future__ import annotations

import base64
import io
import math

from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from .cohort import CohortReport
from .content import CHOICE_IDS, catalog
from .i18n import t

# Colour-blind-safe ramp, red (low) through pale yellow to blue (high), readable in greyscale.
MASTERY = LinearSegmentedColormap.from_list("sets-mastery", ["#b2182b", "#f7f4c8", "#2166ac"])
FLAGGED = "#b2182b"
KEY = "#1b7837"
DISTRACTORS = ["#9e9e9e", "#bdbdbd", "#757575", "#e0e0e0"]


def svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return buf.getvalue()


def img_tag(fig: Figure, alt: str) -> str:
    """An <img> with the chart as SVG data and a text alternative (what axe-core asks of an image)."""
    import html
    data = base64.b64encode(svg(fig).encode()).decode()
    return f'<img class="sets-chart" src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%;height:auto">'


def mastery_heatmap(report: CohortReport, lang: str = "fr") -> Figure:
    """Sub-topics (rows) x columns, % of right answers written in each cell: the whole cohort at the start,
    then, once finals exist, the same learners before and after (so that who took the final does not
    pass for progress)."""
    subtopics = catalog().course(report.course).subtopics
    columns = [(t("dash.before_all", lang, n=report.n_initial), report.mastery_before)]
    if report.n_final:
        columns += [(t("dash.before_final", lang, n=report.n_final), report.mastery_matched),
                    (t("dash.after_final", lang, n=report.n_final), report.mastery_after)]
    values = [[col.get(s.id, math.nan) for _, col in columns] for s in subtopics]
    fig = Figure(figsize=(6.5 + 1.2 * len(columns), 0.32 * len(subtopics) + 1.6))
    ax = fig.subplots()
    image = ax.imshow(values, cmap=MASTERY, vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(columns)), [name for name, _ in columns], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(subtopics)), [f"{s.id} {_short(s.title(lang))}" for s in subtopics], fontsize=8)
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            ax.text(c, r, "—" if math.isnan(v) else f"{v:.0f} %", ha="center", va="center", fontsize=8,
                    color="white" if not math.isnan(v) and (v < 20 or v > 80) else "black")
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label=t("dash.percent_right", lang))
    ax.set_title(t("dash.mastery.title", lang), fontsize=11, pad=28)
    return fig


def progress_figure(report: CohortReport, lang: str = "fr") -> Figure:
    """Left: cohort mean before/after per module. Right: each learner's normalised gain per module."""
    fig = Figure(figsize=(10, 3.8))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    modules = [p.module for p in report.progress]
    x = range(len(modules))
    left.bar([i - 0.2 for i in x], [p.pre for p in report.progress], 0.4, label=t("dash.before", lang), color="#9fb3c8")
    left.bar([i + 0.2 for i in x], [p.post for p in report.progress], 0.4, label=t("dash.after", lang), color="#1f5f8b")
    left.set_xticks(list(x), modules)
    left.set_ylim(0, 100)
    left.set_ylabel(t("dash.percent_right", lang))
    left.legend(loc="lower right", fontsize=8)
    left.set_title(t("dash.progress.means", lang), fontsize=10)
    data = [p.gains for p in report.progress]
    shown = [d if d else [math.nan] for d in data]
    right.boxplot(shown, positions=list(x), widths=0.5, showfliers=False)
    for i, d in enumerate(data):
        jitter = [i + 0.18 * ((k % 5) - 2) / 2 for k in range(len(d))]
        right.scatter(jitter, d, s=12, color="#1f5f8b", alpha=0.6, zorder=3)
        g = report.progress[i].gain
        if g is not None:
            right.annotate(f"g = {g:+.2f}", (i, 1.08), ha="center", fontsize=8, annotation_clip=False)
    right.axhline(0, color="#888", linewidth=0.8)
    right.set_xticks(list(x), modules)
    right.set_ylim(-1.05, 1.15)
    right.set_ylabel(t("dash.gain", lang))
    right.set_title(t("dash.progress.gains", lang), fontsize=10, pad=16)
    fig.tight_layout()
    return fig


def items_scatter(report: CohortReport, lang: str = "fr") -> Figure:
    """Facility (x) against discrimination (y); items outside the usual bounds in red, labelled."""
    from .cohort import LOW_DISCRIMINATION, TOO_EASY, TOO_HARD
    fig = Figure(figsize=(7.5, 4.6))
    ax = fig.subplots()
    ax.axvspan(TOO_HARD, TOO_EASY, color="#eef4ea", zorder=0)
    ax.axhline(LOW_DISCRIMINATION, color="#888", linestyle="--", linewidth=0.8)
    ax.axhline(0, color="#444", linewidth=0.8)
    for item in report.items:
        bad = bool(item.flags)
        ax.scatter(item.facility, item.discrimination, s=36, color=FLAGGED if bad else "#1f5f8b",
                   marker="X" if bad else "o", zorder=3)
        if bad:
            ax.annotate(item.question, (item.facility, item.discrimination), xytext=(4, 4),
                        textcoords="offset points", fontsize=7, color=FLAGGED)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel(t("dash.facility", lang))
    ax.set_ylabel(t("dash.discrimination", lang))
    ax.set_title(t("dash.items.scatter", lang), fontsize=10)
    return fig


def choice_shares(report: CohortReport, lang: str = "fr") -> Figure:
    """One horizontal bar per item: the key's share in green, each distractor in grey; unused ones marked."""
    items = report.items
    fig = Figure(figsize=(7.5, 0.28 * len(items) + 1.3))
    ax = fig.subplots()
    for row, item in enumerate(items):
        left = 0.0
        for k, c in enumerate((*CHOICE_IDS, "none")):
            share = item.shares.get(c, 0.0)
            if share <= 0:
                continue
            colour = KEY if c == item.key else ("#ffffff" if c == "none" else DISTRACTORS[k % len(DISTRACTORS)])
            ax.barh(row, share, left=left, color=colour, edgecolor="#555", linewidth=0.4)
            if share >= 0.08:
                ax.text(left + share / 2, row, c if c != "none" else "∅", ha="center", va="center", fontsize=7,
                        color="white" if c == item.key else "black")
            left += share
        if item.unused:
            ax.text(1.01, row, "○ " + ",".join(item.unused), va="center", fontsize=7, color=FLAGGED)
    ax.set_yticks(range(len(items)), [i.question for i in items], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(t("dash.share", lang))
    ax.set_title(t("dash.items.shares", lang), fontsize=10)
    return fig


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
