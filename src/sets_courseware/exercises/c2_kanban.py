"""Module 2.3.5 — design a kanban board as plain data, check its workflow, export it as CSV and Markdown.

A board is a list of columns (name and optional WIP limit, from left to right) and a list
of cards (title, owner, due date, column, completion date). Keys may be written in French
(``nom``, ``limite``, ``titre``, ``responsable``, ``echeance``, ``colonne``, ``termine_le``)
or in English (``name``, ``wip``, ``title``, ``owner``, ``due``, ``column``, ``done_on``).
The example board is synthetic and has deliberate flaws: kanban_fete_quartier.csv (French keys
and column names) or its English counterpart kanban_street_party_en.csv, chosen by the
notebook's language.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from .common import CheckResult, dataset_path, lang_of, show

CARDS = {"fr": "course2_digital/kanban_fete_quartier.csv", "en": "course2_digital/kanban_street_party_en.csv"}
CSV_HEADER = {"fr": ["titre", "responsable", "echeance", "colonne", "termine_le"],
              "en": ["title", "owner", "due", "column", "done_on"]}

ALIASES = {
    "nom": "name", "limite": "wip", "titre": "title", "responsable": "owner",
    "echeance": "due", "échéance": "due", "colonne": "column", "termine_le": "done_on", "terminé_le": "done_on",
}
TODO_NAMES = {"à faire", "a faire", "idées", "idees", "backlog", "to do", "todo", "ideas", "à planifier", "to plan"}
DONE_NAMES = {"terminé", "termine", "fait", "fini", "done", "finished"}

MSG = {
    "few_columns": {"fr": "Il faut au moins 3 colonnes (à faire, en cours, terminé).",
                    "en": "You need at least 3 columns (to do, in progress, done)."},
    "dup_column": {"fr": "La colonne « {c} » apparaît deux fois.", "en": "Column '{c}' appears twice."},
    "first_column": {"fr": "La première colonne (« {c} ») devrait être la liste des tâches à faire (par ex. « À faire »).",
                     "en": "The first column ('{c}') should be the list of work to do (e.g. 'To do')."},
    "last_column": {"fr": "La dernière colonne (« {c} ») devrait être « Terminé » : le travail avance de gauche à droite.",
                    "en": "The last column ('{c}') should be 'Done': work moves from left to right."},
    "no_wip": {"fr": "La colonne de travail « {c} » n'a pas de limite WIP (un entier ≥ 1).",
               "en": "Work column '{c}' has no WIP limit (a whole number ≥ 1)."},
    "over_wip": {"fr": "« {c} » contient {n} cartes pour une limite de {w} : finissez avant de commencer.",
                 "en": "'{c}' holds {n} cards for a limit of {w}: stop starting, start finishing."},
    "unknown_column": {"fr": "La carte « {t} » est dans une colonne inconnue (« {c} »).",
                       "en": "Card '{t}' is in an unknown column ('{c}')."},
    "no_owner": {"fr": "La carte « {t} » n'a pas de responsable.", "en": "Card '{t}' has no owner."},
    "no_due": {"fr": "La carte « {t} » n'a pas d'échéance valide (AAAA-MM-JJ).",
               "en": "Card '{t}' has no valid due date (YYYY-MM-DD)."},
    "done_no_date": {"fr": "La carte « {t} » est terminée mais sans date de fin (termine_le).",
                     "en": "Card '{t}' is done but has no completion date (done_on)."},
    "not_done_dated": {"fr": "La carte « {t} » a une date de fin mais n'est pas dans « Terminé ».",
                       "en": "Card '{t}' has a completion date but is not in 'Done'."},
    "no_cards": {"fr": "Le tableau n'a aucune carte.", "en": "The board has no cards."},
    "ok": {"fr": "Flux valide : {n} cartes, toutes avec un responsable et une échéance, limites WIP respectées.",
           "en": "Valid workflow: {n} cards, all owned and dated, WIP limits respected."},
}


def _t(key: str, lang: str, **kw) -> str:
    return MSG[key]["en" if lang == "en" else "fr"].format(**kw)


def _norm(record: dict) -> dict:
    return {ALIASES.get(str(k).strip().lower(), str(k).strip().lower()): v for k, v in record.items()}


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return ""
    return str(value).strip()


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value)[:10])
    except ValueError:
        return None


def load_cards(lang: str = "fr") -> list[dict]:
    """The example board of a neighbourhood festival (synthetic, with flaws to find), in the notebook's language."""
    with open(dataset_path(CARDS[lang_of(lang)]), encoding="utf-8", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def normalise(columns: list[dict], cards: list[dict]) -> tuple[list[dict], list[dict]]:
    """Columns and cards with English keys and cleaned values."""
    cols = []
    for c in columns:
        c = _norm(c)
        wip = c.get("wip")
        cols.append({"name": _text(c.get("name")), "wip": int(wip) if isinstance(wip, (int, float)) and wip == wip else None})
    out = []
    for card in cards:
        card = _norm(card)
        out.append({"title": _text(card.get("title")), "owner": _text(card.get("owner")),
                    "due": _text(card.get("due")), "column": _text(card.get("column")),
                    "done_on": _text(card.get("done_on"))})
    return cols, out


def check_board(columns: list[dict], cards: list[dict], lang: str = "fr", display: bool = True) -> CheckResult:
    """Check the workflow: column order, WIP limits, owners and dates; score = share of rules met."""
    cols, cards_ = normalise(columns, cards)
    problems: list[str] = []
    names = [c["name"] for c in cols]
    lower = [n.lower() for n in names]
    if len(cols) < 3:
        problems.append(_t("few_columns", lang))
    for n in sorted({n for n in names if names.count(n) > 1}):
        problems.append(_t("dup_column", lang, c=n))
    if cols and lower[0] not in TODO_NAMES:
        problems.append(_t("first_column", lang, c=names[0]))
    if cols and lower[-1] not in DONE_NAMES:
        problems.append(_t("last_column", lang, c=names[-1]))
    counts = {n: sum(1 for c in cards_ if c["column"].lower() == n.lower()) for n in names}
    for col in cols[1:-1]:
        if col["wip"] is None or col["wip"] < 1:
            problems.append(_t("no_wip", lang, c=col["name"]))
        elif counts[col["name"]] > col["wip"]:
            problems.append(_t("over_wip", lang, c=col["name"], n=counts[col["name"]], w=col["wip"]))
    done = lower[-1] if cols and lower[-1] in DONE_NAMES else None
    if not cards_:
        problems.append(_t("no_cards", lang))
    for card in cards_:
        title = card["title"] or "?"
        if card["column"].lower() not in lower:
            problems.append(_t("unknown_column", lang, t=title, c=card["column"]))
        if not card["owner"]:
            problems.append(_t("no_owner", lang, t=title))
        if _date(card["due"]) is None:
            problems.append(_t("no_due", lang, t=title))
        is_done = card["column"].lower() == done
        if is_done and _date(card["done_on"]) is None:
            problems.append(_t("done_no_date", lang, t=title))
        if not is_done and card["done_on"]:
            problems.append(_t("not_done_dated", lang, t=title))
    rules = 3 + len(cols) + 3 * max(len(cards_), 1)
    score = max(0.0, 1 - len(problems) / rules)
    ok = not problems
    result = CheckResult(ok=ok, score=1.0 if ok else score,
                         messages=[_t("ok", lang, n=len(cards_))] if ok else problems,
                         details={"counts": counts, "problems": len(problems)})
    return show(result) if display else result


def to_markdown(columns: list[dict], cards: list[dict], lang: str = "fr") -> str:
    """The board as Markdown: one heading per column, one checkbox line per card."""
    cols, cards_ = normalise(columns, cards)
    done = cols[-1]["name"].lower() if cols else ""
    lines = ["# " + ("Tableau kanban" if lang != "en" else "Kanban board"), ""]
    for col in cols:
        inside = [c for c in cards_ if c["column"].lower() == col["name"].lower()]
        limit = f"{len(inside)}/{col['wip']}" if col["wip"] else str(len(inside))
        lines += [f"## {col['name']} ({limit})", ""]
        for c in inside:
            box = "[x]" if col["name"].lower() == done else "[ ]"
            extra = f" — {c['done_on']}" if c["done_on"] else ""
            lines.append(f"- {box} {c['title']} — {c['owner'] or '?'} — {c['due'] or '?'}{extra}")
        lines.append("")
    return "\n".join(lines)


def export_board(columns: list[dict], cards: list[dict], folder: str | Path = ".", stem: str = "kanban",
                 lang: str = "fr") -> dict[str, Path]:
    """Write <stem>.csv (one row per card, in column order, header in `lang`) and <stem>.md; return both paths."""
    cols, cards_ = normalise(columns, cards)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    order = {c["name"].lower(): i for i, c in enumerate(cols)}
    rows = sorted(cards_, key=lambda c: (order.get(c["column"].lower(), len(order)), c["due"]))
    header = CSV_HEADER[lang_of(lang)]
    csv_path, md_path = folder / f"{stem}.csv", folder / f"{stem}.md"
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for c in rows:
            writer.writerow([c["title"], c["owner"], c["due"], c["column"], c["done_on"]])
    md_path.write_text(to_markdown(columns, cards, lang), encoding="utf-8")
    return {"csv": csv_path, "md": md_path}


def plot_board(columns: list[dict], cards: list[dict], lang: str = "fr"):
    """Bar chart of cards per column, with each WIP limit drawn as a red tick."""
    import matplotlib.pyplot as plt

    cols, cards_ = normalise(columns, cards)
    names = [c["name"] for c in cols]
    counts = [sum(1 for k in cards_ if k["column"].lower() == n.lower()) for n in names]
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    colours = ["#8a1c1c" if c["wip"] and n > c["wip"] else "#2e6f9e" for c, n in zip(cols, counts)]
    ax.bar(names, counts, color=colours)
    for i, c in enumerate(cols):
        if c["wip"]:
            ax.hlines(c["wip"], i - 0.4, i + 0.4, colors="#d62728", linestyles="dashed")
    en = lang == "en"
    ax.set_title("Cards per column (dashed line: WIP limit)" if en else "Cartes par colonne (tirets : limite WIP)")
    ax.set_xlabel("Column" if en else "Colonne")
    ax.set_ylabel("Number of cards" if en else "Nombre de cartes")
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    plt.show()
    plt.close(fig)
    return counts
