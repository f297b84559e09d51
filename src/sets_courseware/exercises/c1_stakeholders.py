"""Module 1.2.4 — stakeholder mapping of a tiers-lieu project (influence / interest grid).

Case (fictitious): the association « La Halle du Canal » wants to turn an old market
hall owned by the town into a tiers-lieu (café, repair café, coworking, workshops).
Ten stakeholders are listed in the synthetic dataset
`course1_ess/parties_prenantes_tiers_lieu.csv`, with reference ranges for a plausible
score of influence and interest (1 = very low, 5 = very high).

The learner scores each stakeholder: {id: (influence, interest)}. The code checks the
scores against the reference ranges, draws the influence/interest grid (Mendelow) with
matplotlib and gives the engagement strategy of each quadrant.
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import pandas as pd

from .common import CheckResult, dataset_path, show, lang_of

DATA_FILE = "course1_ess/parties_prenantes_tiers_lieu.csv"
LOW, HIGH = 1, 5
THRESHOLD = 3          # a score of 3 or more counts as "high" on the grid

QUADRANTS = {
    "associer": {
        "fr": ("Associer étroitement", "forte influence, fort intérêt : les impliquer dans les décisions "
               "(comité de pilotage, place au conseil d'administration ou au sociétariat d'une SCIC), "
               "les consulter avant chaque choix important."),
        "en": ("Manage closely", "high influence, high interest: involve them in decisions (steering "
               "committee, seat on the board or membership of a SCIC), consult them before every "
               "important choice."),
    },
    "satisfaire": {
        "fr": ("Satisfaire", "forte influence, intérêt faible : répondre à leurs attentes sans les "
               "surcharger (dossier clair, points d'étape aux moments clés), surveiller que leur intérêt "
               "ne devienne pas une opposition."),
        "en": ("Keep satisfied", "high influence, low interest: meet their expectations without "
               "overloading them (clear file, updates at key milestones), watch that their interest does "
               "not turn into opposition."),
    },
    "informer": {
        "fr": ("Informer et impliquer", "influence faible, fort intérêt : les informer régulièrement et "
               "les faire participer (ateliers de co-conception, réunions publiques). Dans l'ESS, "
               "on cherche souvent à augmenter leur influence : c'est le sens de la gouvernance démocratique."),
        "en": ("Keep informed and involved", "low influence, high interest: inform them regularly and "
               "involve them (co-design workshops, public meetings). In the social economy the aim is often "
               "to raise their influence: that is what democratic governance means."),
    },
    "surveiller": {
        "fr": ("Surveiller", "influence faible, intérêt faible : une information générale suffit (lettre "
               "d'information, site), en restant attentif à tout changement."),
        "en": ("Monitor", "low influence, low interest: general information is enough (newsletter, "
               "website), while watching for any change."),
    },
}

_TXT = {
    "fr": {
        "missing": "« {nom} » : pas de score.",
        "range": "« {nom} » : {field} vaut {v!r} ; donnez un nombre de 1 à 5.",
        "low": "« {nom} » : {field} {v} semble sous-estimé(e) (plausible : {a} à {b}) — {why}.",
        "high": "« {nom} » : {field} {v} semble surestimé(e) (plausible : {a} à {b}) — {why}.",
        "influence": "l'influence", "interest": "l'intérêt",
        "ok": "Cartographie plausible : les {n} parties prenantes sont placées dans des zones cohérentes avec le cas.",
        "score": "{n} partie(s) prenante(s) sur {total} placée(s) de façon plausible.",
        "title": "Cartographie des parties prenantes — La Halle du Canal (cas fictif)",
        "x": "Intérêt pour le projet (1 = très faible, 5 = très fort)",
        "y": "Influence sur le projet (1 = très faible, 5 = très forte)",
        "col_q": "quadrant", "col_s": "stratégie d'engagement", "col_who": "parties prenantes",
        "col_name": "partie prenante", "col_role": "rôle dans le projet",
    },
    "en": {
        "missing": "'{nom}': no score.",
        "range": "'{nom}': {field} is {v!r}; give a number from 1 to 5.",
        "low": "'{nom}': {field} {v} looks underestimated (plausible: {a} to {b}) — {why}.",
        "high": "'{nom}': {field} {v} looks overestimated (plausible: {a} to {b}) — {why}.",
        "influence": "influence", "interest": "interest",
        "ok": "Plausible map: all {n} stakeholders sit in areas consistent with the case.",
        "score": "{n} stakeholder(s) out of {total} placed plausibly.",
        "title": "Stakeholder map — La Halle du Canal (fictitious case)",
        "x": "Interest in the project (1 = very low, 5 = very high)",
        "y": "Influence on the project (1 = very low, 5 = very high)",
        "col_q": "quadrant", "col_s": "engagement strategy", "col_who": "stakeholders",
        "col_name": "stakeholder", "col_role": "role in the project",
    },
}


def _t(lang: str) -> dict:
    return _TXT[lang_of(lang)]


# English ids shown in English notebooks (both are accepted in the learner's scores).
IDS_EN = {"mairie": "town_council", "habitants": "residents", "benevoles": "volunteers", "region": "region",
          "fondation": "foundation", "commercants": "shopkeepers", "coworkers": "coworkers",
          "bailleur": "social_landlord", "presse": "press", "prefecture": "prefecture"}
_IDS_FROM_EN = {v: k for k, v in IDS_EN.items()}


def _internal_ids(scores: dict) -> dict:
    return {_IDS_FROM_EN.get(k, k): v for k, v in scores.items()}


def load_stakeholders() -> pd.DataFrame:
    """The 10 stakeholders of the case with their reference ranges (synthetic data)."""
    return pd.read_csv(dataset_path(DATA_FILE))


def stakeholders(lang: str = "fr") -> pd.DataFrame:
    """The table the learner reads: id, name and role (no reference ranges)."""
    t, l = _t(lang), lang_of(lang)
    df = load_stakeholders()
    if l == "en":
        df = df.assign(id=df["id"].map(lambda i: IDS_EN.get(i, i)))
    return (df[["id", f"nom_{l}", f"role_{l}"]]
            .rename(columns={f"nom_{l}": t["col_name"], f"role_{l}": t["col_role"]})
            .set_index("id"))


def quadrant(influence: float, interest: float) -> str:
    """Quadrant code of a point of the grid (3 or more counts as high)."""
    hi_inf, hi_int = influence >= THRESHOLD, interest >= THRESHOLD
    if hi_inf and hi_int:
        return "associer"
    if hi_inf:
        return "satisfaire"
    if hi_int:
        return "informer"
    return "surveiller"


def _valid(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and LOW <= v <= HIGH


def check_map(scores: dict, lang: str = "fr", display: bool = True) -> CheckResult:
    """Flag implausible placements against the reference ranges of the case."""
    t, l = _t(lang), lang_of(lang)
    df = load_stakeholders()
    scores = _internal_ids(scores)
    messages, flagged, missing = [], [], []
    good = 0
    for row in df.itertuples(index=False):
        nom, why = getattr(row, f"nom_{l}"), getattr(row, f"raison_{l}")
        pair = scores.get(row.id)
        if pair is None or not isinstance(pair, (tuple, list)) or len(pair) != 2:
            missing.append(row.id)
            messages.append(t["missing"].format(nom=nom))
            continue
        row_ok = True
        for field, v, a, b in (("influence", pair[0], row.influence_min, row.influence_max),
                               ("interest", pair[1], row.interet_min, row.interet_max)):
            if not _valid(v):
                row_ok = False
                messages.append(t["range"].format(nom=nom, field=t[field], v=v))
            elif v < a:
                row_ok = False
                messages.append(t["low"].format(nom=nom, field=t[field], v=v, a=a, b=b, why=why))
            elif v > b:
                row_ok = False
                messages.append(t["high"].format(nom=nom, field=t[field], v=v, a=a, b=b, why=why))
        if row_ok:
            good += 1
        else:
            flagged.append(row.id)
    total = len(df)
    ok = good == total
    summary = t["ok"].format(n=total) if ok else t["score"].format(n=good, total=total)
    result = CheckResult(ok=ok, score=good / total, messages=[summary] + messages,
                         details={"flagged": flagged, "missing": missing, "good": good})
    return show(result) if display else result


def _valid_points(scores: dict, lang: str) -> list[tuple[str, float, float]]:
    names = dict(zip(load_stakeholders()["id"], load_stakeholders()[f"nom_{lang_of(lang)}"]))
    pts = []
    for key, pair in _internal_ids(scores).items():
        if isinstance(pair, (tuple, list)) and len(pair) == 2 and _valid(pair[0]) and _valid(pair[1]):
            pts.append((names.get(key, str(key)), float(pair[0]), float(pair[1])))
    return pts


def plot_grid(scores: dict, lang: str = "fr"):
    """Draw the influence / interest grid with the four quadrants; returns the figure."""
    t, l = _t(lang), lang_of(lang)
    fig, ax = plt.subplots(figsize=(9, 7))
    mid = THRESHOLD - 0.5  # scores of 3 or more fall on the "high" side
    ax.axhline(mid, color="grey", lw=1)
    ax.axvline(mid, color="grey", lw=1)
    corners = {"associer": (5.4, 5.4, "right", "top"), "satisfaire": (0.6, 5.4, "left", "top"),
               "informer": (5.4, 0.6, "right", "bottom"), "surveiller": (0.6, 0.6, "left", "bottom")}
    for code, (x, y, ha, va) in corners.items():
        ax.text(x, y, QUADRANTS[code][l][0], ha=ha, va=va, fontsize=11, color="#1f4e79",
                fontweight="bold", alpha=0.8)
    seen = {}
    for name, inf, inte in _valid_points(scores, lang):
        # spread points that share the same coordinates
        k = (inf, inte)
        dx = 0.12 * seen.get(k, 0)
        seen[k] = seen.get(k, 0) + 1
        ax.scatter(inte + dx, inf, s=80, color="#c0504d", zorder=3)
        ax.annotate(name, (inte + dx, inf), textcoords="offset points", xytext=(6, 5), fontsize=9)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    fig.tight_layout()
    plt.show()
    plt.close(fig)
    return fig


def strategies(scores: dict, lang: str = "fr") -> pd.DataFrame:
    """The engagement strategy of each quadrant and who falls in it."""
    t, l = _t(lang), lang_of(lang)
    groups = {code: [] for code in QUADRANTS}
    for name, inf, inte in _valid_points(scores, lang):
        groups[quadrant(inf, inte)].append(name)
    rows = [{t["col_q"]: QUADRANTS[c][l][0], t["col_s"]: QUADRANTS[c][l][1],
             t["col_who"]: ", ".join(groups[c]) or "—"} for c in QUADRANTS]
    return pd.DataFrame(rows).set_index(t["col_q"])
