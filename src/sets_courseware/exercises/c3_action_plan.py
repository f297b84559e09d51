"""Module 3.4.2 — a guided AI action plan for the learner's organisation.

The learner lists 3 to 6 AI opportunities and scores each on value, feasibility and risk
(1 to 5). The code computes a priority, draws a value/feasibility matrix (bubble size =
risk), lists safeguards and first steps, checks the plan and exports it as Markdown and PDF
(fpdf2 with matplotlib's bundled DejaVu Sans font, so French accents work). The plan is
saved as JSON beside the notebook and reloaded when the notebook is run again.

Keys of an opportunity (French or English names are both accepted):
    nom/name, valeur/value, faisabilite/feasibility, risque/risk,
    garde_fous/safeguards (list of str), premiers_pas/first_steps (list of str)
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

from .common import CheckResult, show, lang_of

MIN_OPP, MAX_OPP = 3, 6
HIGH_RISK = 4          # risk >= 4 needs at least one safeguard
DEFAULT_FILE = "plan_action_ia.json"

_ALIASES = {"name": "nom", "value": "valeur", "feasibility": "faisabilite", "risk": "risque",
            "safeguards": "garde_fous", "first_steps": "premiers_pas", "organisation": "organisation",
            "organization": "organisation", "opportunities": "opportunites", "author": "auteur"}

_TXT = {
    "fr": {
        "few": "Le plan compte {n} opportunité(s) : il en faut au moins {min}.",
        "many": "Le plan compte {n} opportunités : gardez-en au plus {max} pour rester réaliste.",
        "noname": "L'opportunité n° {i} n'a pas de nom.",
        "dup": "Deux opportunités portent le même nom : « {name} ».",
        "range": "« {name} » : le score « {field} » vaut {v!r} ; il doit être un nombre entier de 1 à 5.",
        "noguard": "« {name} » a un risque élevé ({risk}/5) mais aucun garde-fou : ajoutez au moins une mesure "
                   "(relecture humaine, données anonymisées, analyse d'impact, information des personnes…).",
        "nostep": "« {name} » n'a pas de premier pas : indiquez une action concrète pour démarrer (conseil : "
                  "qui, quoi, quand).",
        "ok": "Plan valide : {n} opportunités, scores entre 1 et 5, chaque risque élevé a son garde-fou.",
        "top": "Priorité n° 1 : « {name} » (priorité {p}).",
        "matrix": "Matrice valeur / faisabilité (taille des bulles = risque)",
        "x": "Faisabilité (1 = très difficile, 5 = très facile)",
        "y": "Valeur pour la mission (1 = faible, 5 = forte)",
        "risk": "risque",
        "quick": "À lancer", "prepare": "À préparer", "later": "À reporter",
        "title": "Plan d'action IA",
        "org": "Organisation", "author": "Rédigé par", "date": "Date",
        "formula": "Priorité = valeur × faisabilité ÷ risque (de 0,2 à 25). 8 ou plus : à lancer ; "
                   "de 4 à moins de 8 : à préparer ; moins de 4 : à reporter ou à repenser.",
        "h_table": "Opportunités classées par priorité",
        "cols": ["Rang", "Opportunité", "Valeur", "Faisabilité", "Risque", "Priorité", "Décision"],
        "h_guard": "Garde-fous", "h_steps": "Premiers pas", "none": "aucun",
        "saved": "Plan enregistré dans {path}.",
        "loaded": "Plan rechargé depuis {path} (enregistré lors d'une exécution précédente).",
        "example": "Aucun plan enregistré : voici le plan d'exemple à adapter.",
        "reminder": "Rappels : relecture humaine de tout contenu produit par l'IA ; pas de données personnelles "
                    "sensibles dans des outils non maîtrisés ; information des personnes concernées ; "
                    "bilan dans six mois.",
    },
    "en": {
        "few": "The plan has {n} opportunity(ies): it needs at least {min}.",
        "many": "The plan has {n} opportunities: keep at most {max} to stay realistic.",
        "noname": "Opportunity no. {i} has no name.",
        "dup": "Two opportunities have the same name: '{name}'.",
        "range": "'{name}': the '{field}' score is {v!r}; it must be a whole number from 1 to 5.",
        "noguard": "'{name}' has a high risk ({risk}/5) but no safeguard: add at least one measure (human "
                   "review, anonymised data, impact assessment, informing the people concerned…).",
        "nostep": "'{name}' has no first step: give one concrete action to get started (tip: who, what, when).",
        "ok": "Valid plan: {n} opportunities, scores from 1 to 5, every high risk has a safeguard.",
        "top": "Priority no. 1: '{name}' (priority {p}).",
        "matrix": "Value / feasibility matrix (bubble size = risk)",
        "x": "Feasibility (1 = very hard, 5 = very easy)",
        "y": "Value for the mission (1 = low, 5 = high)",
        "risk": "risk",
        "quick": "Launch", "prepare": "Prepare", "later": "Postpone",
        "title": "AI action plan",
        "org": "Organisation", "author": "Written by", "date": "Date",
        "formula": "Priority = value × feasibility ÷ risk (0.2 to 25). 8 or more: launch; 4 to under 8: "
                   "prepare; under 4: postpone or rethink.",
        "h_table": "Opportunities ranked by priority",
        "cols": ["Rank", "Opportunity", "Value", "Feasibility", "Risk", "Priority", "Decision"],
        "h_guard": "Safeguards", "h_steps": "First steps", "none": "none",
        "saved": "Plan saved to {path}.",
        "loaded": "Plan reloaded from {path} (saved during an earlier run).",
        "example": "No saved plan yet: here is the example plan to adapt.",
        "reminder": "Reminders: a human reviews everything the AI produces; no sensitive personal data in tools "
                    "you do not control; the people concerned are informed; review in six months.",
    },
}


def _t(lang: str) -> dict:
    return _TXT[lang_of(lang)]


def example_plan(lang: str = "fr") -> dict:
    """The starting plan of a fictitious association (one high-risk item still lacks a safeguard)."""
    if lang == "en":
        return {"organisation": "Les Jardins du Quartier (fictitious association)", "auteur": "",
                "opportunites": [
                    {"nom": "Draft the newsletter with a generative AI", "valeur": 3, "faisabilite": 5,
                     "risque": 2, "garde_fous": ["A team member rereads and checks every figure and date"],
                     "premiers_pas": ["Test on the next newsletter, compare with the usual time spent"]},
                    {"nom": "Summarise board meeting notes", "valeur": 3, "faisabilite": 4, "risque": 2,
                     "garde_fous": ["The secretary checks the list of decisions"],
                     "premiers_pas": ["Try it on two meetings with anonymised notes"]},
                    {"nom": "Score the families applying to the social grocery", "valeur": 4, "faisabilite": 2,
                     "risque": 5, "garde_fous": [],
                     "premiers_pas": ["Discuss at the board whether this use is acceptable at all"]},
                ]}
    return {"organisation": "Les Jardins du Quartier (association fictive)", "auteur": "",
            "opportunites": [
                {"nom": "Rédiger la lettre d'information avec une IA générative", "valeur": 3, "faisabilite": 5,
                 "risque": 2, "garde_fous": ["Relecture par une personne de l'équipe, vérification des chiffres et des dates"],
                 "premiers_pas": ["Tester sur la prochaine lettre et comparer avec le temps habituel"]},
                {"nom": "Résumer les comptes rendus du conseil d'administration", "valeur": 3, "faisabilite": 4,
                 "risque": 2, "garde_fous": ["Le ou la secrétaire vérifie la liste des décisions"],
                 "premiers_pas": ["Essayer sur deux réunions avec des notes anonymisées"]},
                {"nom": "Noter les familles qui demandent l'accès à l'épicerie solidaire", "valeur": 4,
                 "faisabilite": 2, "risque": 5, "garde_fous": [],
                 "premiers_pas": ["Débattre en conseil d'administration : cet usage est-il acceptable ?"]},
            ]}


def normalise(plan: dict) -> dict:
    """A copy of the plan with French keys, lists for safeguards/steps."""
    def fix(d: dict) -> dict:
        return {_ALIASES.get(k, k): v for k, v in d.items()}
    out = fix(copy.deepcopy(plan))
    opps = []
    for o in out.get("opportunites", []) or []:
        o = fix(o)
        for key in ("garde_fous", "premiers_pas"):
            v = o.get(key) or []
            o[key] = [v] if isinstance(v, str) else [str(x) for x in v if str(x).strip()]
        opps.append(o)
    out["opportunites"] = opps
    out.setdefault("organisation", "")
    out.setdefault("auteur", "")
    return out


def _valid_score(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5


def priority(opp: dict) -> float:
    """value × feasibility ÷ risk, rounded to one decimal."""
    o = normalise({"opportunites": [opp]})["opportunites"][0]
    return round(o["valeur"] * o["faisabilite"] / o["risque"], 1)


def decision(p: float, lang: str = "fr") -> str:
    t = _t(lang)
    return t["quick"] if p >= 8 else t["prepare"] if p >= 4 else t["later"]


def ranked(plan: dict) -> list[dict]:
    """Opportunities with their priority, best first (only those with valid scores)."""
    opps = [dict(o, priorite=priority(o)) for o in normalise(plan)["opportunites"]
            if all(_valid_score(o.get(f)) for f in ("valeur", "faisabilite", "risque"))]
    return sorted(opps, key=lambda o: (-o["priorite"], o["risque"]))


def upsert(plan: dict, opportunity: dict) -> dict:
    """Add an opportunity, or replace the one with the same name (so re-running a cell does not duplicate it)."""
    plan.setdefault("opportunites", [])
    new = normalise({"opportunites": [opportunity]})["opportunites"][0]
    for i, o in enumerate(plan["opportunites"]):
        if normalise({"opportunites": [o]})["opportunites"][0].get("nom") == new.get("nom"):
            plan["opportunites"][i] = new
            return plan
    plan["opportunites"].append(new)
    return plan


def remove(plan: dict, name: str) -> dict:
    plan["opportunites"] = [o for o in plan.get("opportunites", [])
                            if normalise({"opportunites": [o]})["opportunites"][0].get("nom") != name]
    return plan


def check_plan(plan: dict, lang: str = "fr", display: bool = True) -> CheckResult:
    """At least 3 (at most 6) named opportunities, scores 1-5, a safeguard for each risk >= 4.

    A missing first step is reported but does not make the plan invalid."""
    t = _t(lang)
    p = normalise(plan)
    opps = p["opportunites"]
    errors, notes = [], []
    if len(opps) < MIN_OPP:
        errors.append(t["few"].format(n=len(opps), min=MIN_OPP))
    if len(opps) > MAX_OPP:
        errors.append(t["many"].format(n=len(opps), max=MAX_OPP))
    seen = set()
    for i, o in enumerate(opps, 1):
        name = str(o.get("nom", "")).strip()
        if not name:
            errors.append(t["noname"].format(i=i))
            name = f"#{i}"
        elif name in seen:
            errors.append(t["dup"].format(name=name))
        seen.add(name)
        for field in ("valeur", "faisabilite", "risque"):
            if not _valid_score(o.get(field)):
                errors.append(t["range"].format(name=name, field=field, v=o.get(field)))
        if _valid_score(o.get("risque")) and o["risque"] >= HIGH_RISK and not o["garde_fous"]:
            errors.append(t["noguard"].format(name=name, risk=o["risque"]))
        if not o["premiers_pas"]:
            notes.append(t["nostep"].format(name=name))
    n_rules = 3 + 4 * max(len(opps), 1)
    score = max(0.0, 1 - len(errors) / n_rules) if errors else 1.0
    ok = not errors
    messages = ([t["ok"].format(n=len(opps))] if ok else errors) + notes
    top = ranked(plan)
    if ok and top:
        messages.append(t["top"].format(name=top[0]["nom"], p=top[0]["priorite"]))
    result = CheckResult(ok, round(score, 2), messages, {"errors": errors, "notes": notes,
                                                        "ranking": [(o["nom"], o["priorite"]) for o in top]})
    return show(result) if display else result


# ---------------------------------------------------------------- persistence

def save_plan(plan: dict, path: str | Path = DEFAULT_FILE, lang: str = "fr", quiet: bool = False) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(normalise(plan), ensure_ascii=False, indent=2), encoding="utf-8")
    if not quiet:
        print(_t(lang)["saved"].format(path=path))
    return path


def load_plan(path: str | Path = DEFAULT_FILE, lang: str = "fr", quiet: bool = False) -> dict:
    """The plan saved beside the notebook if there is one, else the example plan."""
    path = Path(path)
    if path.exists():
        try:
            plan = normalise(json.loads(path.read_text(encoding="utf-8")))
            if not quiet:
                print(_t(lang)["loaded"].format(path=path))
            return plan
        except (json.JSONDecodeError, AttributeError):
            pass
    if not quiet:
        print(_t(lang)["example"])
    return example_plan(lang)


# ---------------------------------------------------------------- chart and exports

def plot_matrix(plan: dict, lang: str = "fr", save_to: str | Path | None = None, show_fig: bool = True) -> None:
    """Value (y) against feasibility (x); bubble area grows with risk; colour = decision."""
    import matplotlib
    import matplotlib.pyplot as plt

    t = _t(lang)
    opps = ranked(plan)
    fig, ax = plt.subplots(figsize=(7.5, 6))
    ax.axhline(3, color="#bbbbbb", lw=1, ls="--")
    ax.axvline(3, color="#bbbbbb", lw=1, ls="--")
    colours = {t["quick"]: "#2e7d32", t["prepare"]: "#f9a825", t["later"]: "#c62828"}
    for rank, o in enumerate(opps, 1):
        d = decision(o["priorite"], lang)
        ax.scatter(o["faisabilite"], o["valeur"], s=180 * o["risque"], alpha=0.55, color=colours[d],
                   edgecolor="black", linewidth=0.8)
        ax.annotate(str(rank), (o["faisabilite"], o["valeur"]), ha="center", va="center", fontsize=11,
                    fontweight="bold")
    for d, c in colours.items():
        ax.scatter([], [], s=120, color=c, alpha=0.55, edgecolor="black", label=d)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_xlim(0.3, 5.7)
    ax.set_ylim(0.3, 5.7)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["matrix"])
    legend = "\n".join(f"{i}. {o['nom'][:75]}" for i, o in enumerate(opps, 1))
    fig.text(0.01, -0.02, legend, fontsize=8, va="top")
    fig.tight_layout()
    if save_to:
        Path(save_to).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(save_to, dpi=110, bbox_inches="tight")
    if show_fig and matplotlib.get_backend().lower() != "agg":
        plt.show()
    plt.close(fig)


def to_markdown(plan: dict, lang: str = "fr") -> str:
    t = _t(lang)
    p = normalise(plan)
    lines = [f"# {t['title']} — {p['organisation'] or '…'}", "",
             f"- {t['org']} : {p['organisation']}" if lang == "fr" else f"- {t['org']}: {p['organisation']}",
             (f"- {t['author']} : {p['auteur']}" if lang == "fr" else f"- {t['author']}: {p['auteur']}"),
             (f"- {t['date']} : {date.today().isoformat()}" if lang == "fr" else f"- {t['date']}: {date.today().isoformat()}"),
             "", t["formula"], "", f"## {t['h_table']}", "",
             "| " + " | ".join(t["cols"]) + " |", "|" + "---|" * len(t["cols"])]
    opps = ranked(plan)
    for i, o in enumerate(opps, 1):
        lines.append(f"| {i} | {o['nom']} | {o['valeur']} | {o['faisabilite']} | {o['risque']} | "
                     f"{o['priorite']} | {decision(o['priorite'], lang)} |")
    for i, o in enumerate(opps, 1):
        lines += ["", f"## {i}. {o['nom']}", "", f"**{t['h_guard']}**", ""]
        lines += [f"- {g}" for g in o["garde_fous"]] or [f"- {t['none']}"]
        lines += ["", f"**{t['h_steps']}**", ""]
        lines += [f"- {s}" for s in o["premiers_pas"]] or [f"- {t['none']}"]
    lines += ["", t["reminder"], ""]
    return "\n".join(lines)


def _font_dir() -> Path:
    import matplotlib
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(plan: dict, path: str | Path, lang: str = "fr", chart: str | Path | None = None) -> Path:
    """A one- or two-page PDF of the plan, with the matrix chart if given (DejaVu Sans for accents)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    t = _t(lang)
    p = normalise(plan)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(_font_dir() / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(_font_dir() / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    w = pdf.epw

    def para(text: str, size: int = 10, style: str = "", h: float = 5.5):
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(w, h, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    para(f"{t['title']} — {p['organisation'] or '…'}", 16, "B", 8)
    sep = " : " if lang == "fr" else ": "
    para(f"{t['author']}{sep}{p['auteur'] or '—'}    {t['date']}{sep}{date.today().isoformat()}", 9)
    pdf.ln(2)
    para(t["formula"], 9)
    pdf.ln(2)
    para(t["h_table"], 12, "B", 7)
    opps = ranked(plan)
    widths = [0.07, 0.41, 0.09, 0.11, 0.09, 0.1, 0.13]
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(col_widths=[x * 100 for x in widths], text_align="LEFT", line_height=4.5) as table:
        row = table.row()
        for c in t["cols"]:
            row.cell(c)
        for i, o in enumerate(opps, 1):
            row = table.row()
            for c in (i, o["nom"], o["valeur"], o["faisabilite"], o["risque"], o["priorite"],
                      decision(o["priorite"], lang)):
                row.cell(str(c))
    pdf.ln(3)
    if chart and Path(chart).exists():
        img_w = min(w, 120)
        pdf.image(str(chart), x=pdf.l_margin + (w - img_w) / 2, w=img_w)
        pdf.ln(2)
    for i, o in enumerate(opps, 1):
        para(f"{i}. {o['nom']}", 11, "B", 6.5)
        para(f"{t['h_guard']}{sep}" + ("; ".join(o["garde_fous"]) or t["none"]), 9)
        para(f"{t['h_steps']}{sep}" + ("; ".join(o["premiers_pas"]) or t["none"]), 9)
        pdf.ln(1.5)
    pdf.ln(2)
    para(t["reminder"], 8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def export_plan(plan: dict, stem: str | Path = "mes_fichiers/plan_action_ia", lang: str = "fr",
                with_chart: bool = True) -> dict[str, Path]:
    """Write <stem>.md and <stem>.pdf (and <stem>.png, the matrix, embedded in the PDF)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    md = stem.with_suffix(".md")
    md.write_text(to_markdown(plan, lang), encoding="utf-8")
    files = {"md": md}
    chart = None
    if with_chart:
        chart = stem.with_suffix(".png")
        plot_matrix(plan, lang, save_to=chart, show_fig=False)
        files["png"] = chart
    files["pdf"] = to_pdf(plan, stem.with_suffix(".pdf"), lang, chart=chart)
    return files
