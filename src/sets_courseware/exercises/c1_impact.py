"""Module 1.4 — impact chain and a simple SROI calculation.

(a) ``check_chain``: the learner places 12 items of a fictional ressourcerie-chantier
    d'insertion ("L'Atelier du Rebond") on the five levels of an impact chain
    (ressources → activités → réalisations → effets → impact); the checker names the
    misplaced items and gives a hint for each.
(b) ``sroi_table`` / ``check_sroi`` / ``plot_sroi`` / ``sensitivity``: net impact, present
    value and SROI ratio from the synthetic files ``course1_ess/impact_sroi_atelier.csv``
    (outcomes, financial proxies, deadweight, attribution, drop-off) and
    ``course1_ess/impact_couts_atelier.csv`` (inputs). Every figure is synthetic.

Method (Cabinet Office / Social Value UK SROI guide): net impact of year 1 =
quantity × proxy × (1 − deadweight) × (1 − attribution); year t = year 1 × (1 − drop-off)^(t−1)
for t up to the duration; present value = Σ year_t / (1 + r)^t with r = 3.5 %;
SROI ratio = total present value / total inputs.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from .common import CheckResult, dataset_path, lang_of, show

DISCOUNT_RATE = 0.035
PEOPLE_LEAVING = 24  # people who left the programme during the year (case text)

LEVELS = ["ressources", "activites", "realisations", "effets", "impact"]
LEVEL_LABELS = {
    "fr": {"ressources": "ressources (inputs)", "activites": "activités", "realisations": "réalisations (outputs)",
           "effets": "effets (outcomes)", "impact": "impact"},
    "en": {"ressources": "inputs", "activites": "activities", "realisations": "outputs",
           "effets": "outcomes", "impact": "impact"},
}
_ALIASES = {
    "ressources": "ressources", "ressource": "ressources", "inputs": "ressources", "input": "ressources",
    "moyens": "ressources", "intrants": "ressources",
    "activites": "activites", "activite": "activites", "activities": "activites", "activity": "activites",
    "realisations": "realisations", "realisation": "realisations", "outputs": "realisations", "output": "realisations",
    "produits": "realisations",
    "effets": "effets", "effet": "effets", "outcomes": "effets", "outcome": "effets", "resultats": "effets",
    "impact": "impact", "impacts": "impact",
}

# id: (level, fr, en, hint_fr, hint_en)
CHAIN_ITEMS: dict[str, tuple[str, str, str, str, str]] = {
    "A": ("ressources", "Une subvention de 120 000 € de l'État et du département",
          "A €120,000 grant from the State and the département",
          "l'argent reçu est un moyen mis à disposition, pas encore une action.",
          "money received is a means made available, not yet an action."),
    "B": ("ressources", "Six encadrant·es techniques et une conseillère en insertion",
          "Six technical supervisors and one employment adviser",
          "les personnes salariées de l'atelier sont des moyens (ressources humaines).",
          "the workshop's staff are means (human resources)."),
    "C": ("ressources", "Un local de 800 m² mis à disposition par la commune",
          "An 800 m² building lent by the municipality",
          "un local est un moyen matériel.", "a building is a material means."),
    "D": ("activites", "Collecter, trier et réparer des objets avec les salarié·es en insertion",
          "Collecting, sorting and repairing goods with the employees on integration contracts",
          "c'est ce que fait l'atelier : un verbe d'action, donc une activité.",
          "this is what the workshop does: an action verb, so an activity."),
    "E": ("activites", "Accompagner chaque personne pour lever ses freins (logement, mobilité, santé)",
          "Supporting each person to remove barriers (housing, transport, health)",
          "l'accompagnement est une action menée par l'équipe : une activité.",
          "support is an action carried out by the team: an activity."),
    "F": ("activites", "Animer des ateliers de sensibilisation au réemploi dans les écoles",
          "Running awareness workshops on reuse in schools",
          "animer des ateliers est une action : une activité.",
          "running workshops is an action: an activity."),
    "G": ("realisations", "24 personnes accompagnées en contrat d'insertion sur l'année",
          "24 people supported on integration contracts during the year",
          "on compte ce que l'activité a produit (un volume), pas encore un changement chez les personnes.",
          "this counts what the activity produced (a volume), not yet a change for the people."),
    "H": ("realisations", "180 tonnes d'objets collectés",
          "180 tonnes of goods collected",
          "un tonnage collecté mesure la production de l'activité : une réalisation.",
          "tonnes collected measure what the activity produced: an output."),
    "I": ("realisations", "35 ateliers animés devant 700 élèves",
          "35 workshops delivered to 700 pupils",
          "un nombre d'ateliers et de participant·es est une réalisation, pas la preuve d'un changement.",
          "a number of workshops and participants is an output, not proof of change."),
    "J": ("effets", "14 des 24 personnes en emploi durable six mois après leur sortie",
          "14 of the 24 people in lasting employment six months after leaving",
          "c'est un changement dans la situation des personnes accompagnées : un effet (outcome).",
          "this is a change in the situation of the people supported: an outcome."),
    "K": ("effets", "Les personnes accompagnées déclarent avoir regagné confiance en elles",
          "The people supported say they have regained self-confidence",
          "un changement vécu par les bénéficiaires directs est un effet.",
          "a change experienced by the direct beneficiaries is an outcome."),
    "L": ("impact", "Moins de chômage de longue durée et moins de déchets enfouis sur le territoire, en partie grâce à l'atelier",
          "Less long-term unemployment and less landfilled waste in the area, partly thanks to the workshop",
          "un changement durable à l'échelle du territoire, auquel l'atelier contribue parmi d'autres : l'impact.",
          "a lasting change at the level of the area, to which the workshop contributes among others: impact."),
}


def _norm(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().strip().lower()
    text = text.split("(")[0].strip()
    return _ALIASES.get(text, text)


def chain_items(lang: str = "fr") -> pd.DataFrame:
    """The 12 items to place, in a table (id, text)."""
    col = 1 if lang == "fr" else 2
    return pd.DataFrame([{"id": k, ("élément" if lang == "fr" else "item"): v[col]} for k, v in CHAIN_ITEMS.items()])


def check_chain(answer: dict, lang: str = "fr", display: bool = True) -> CheckResult:
    """answer = {"A": "ressources", ...}; levels accepted in French or English."""
    labels = LEVEL_LABELS.get(lang, LEVEL_LABELS["fr"])
    messages, wrong, missing = [], [], []
    for item, (level, fr, en, hint_fr, hint_en) in CHAIN_ITEMS.items():
        given = answer.get(item)
        if given is None or str(given).strip() == "":
            missing.append(item)
            continue
        if _norm(given) != level:
            wrong.append(item)
            text = fr if lang == "fr" else en
            hint = hint_fr if lang == "fr" else hint_en
            shown = labels.get(_norm(given), str(given))
            if lang == "fr":
                messages.append(f"{item} « {text} » : vous avez mis « {shown} » ; {hint}")
            else:
                messages.append(f"{item} '{text}': you chose '{shown}'; {hint}")
    unknown = [k for k in answer if k not in CHAIN_ITEMS]
    good = len(CHAIN_ITEMS) - len(wrong) - len(missing)
    score = good / len(CHAIN_ITEMS)
    if missing:
        messages.append(("Éléments non placés : " if lang == "fr" else "Items not placed: ") + ", ".join(missing))
    if unknown:
        messages.append(("Identifiants inconnus ignorés : " if lang == "fr" else "Unknown ids ignored: ") + ", ".join(unknown))
    ok = not wrong and not missing
    if ok:
        messages.insert(0, "Les 12 éléments sont bien placés. Remarquez que seul L parle d'un changement à l'échelle du territoire, "
                           "et qu'il dit « en partie grâce à » : l'impact se partage avec d'autres acteurs."
                        if lang == "fr" else
                        "All 12 items are correctly placed. Note that only L describes a change for the whole area, and it "
                        "says 'partly thanks to': impact is shared with other actors.")
    else:
        messages.insert(0, f"{good}/{len(CHAIN_ITEMS)} éléments bien placés." if lang == "fr"
                        else f"{good}/{len(CHAIN_ITEMS)} items correctly placed.")
    result = CheckResult(ok=ok, score=score, messages=messages, details={"wrong": wrong, "missing": missing})
    return show(result) if display else result


# ---------------------------------------------------------------- (b) SROI

SROI_COLUMNS_EN = {"resultat": "outcome", "partie_prenante": "stakeholder", "quantite": "quantity",
                   "proxy_financier_eur": "financial_proxy_eur", "valeur_brute_eur": "gross_value_eur",
                   "impact_net_an1_eur": "net_impact_year1_eur", "duree_annees": "duration_years",
                   "valeur_actualisee_eur": "present_value_eur"}
OUTCOMES_EN = {"Emploi durable après la sortie": "Lasting employment after leaving",
               "Minima sociaux non versés": "Minimum social benefits no longer paid",
               "Entrée en formation qualifiante": "Starting a qualifying training course",
               "Confiance en soi retrouvée": "Regained self-confidence",
               "Déchets détournés de l'enfouissement": "Waste diverted from landfill",
               "Mobilier à petit prix": "Low-cost furniture"}
STAKEHOLDERS_EN = {"Personnes accompagnées": "People supported", "État et département": "State and département",
                   "Collectivité": "Local authority", "Ménages modestes clients": "Low-income customer households"}
# English answer keys of check_sroi, read into the French ones.
ANSWERS_EN = {"positive_exit_rate": "taux_sorties_positives", "net_impact_year1_employment": "impact_net_an1_emploi",
              "sroi_ratio": "ratio_sroi"}


def load_outcomes() -> pd.DataFrame:
    return pd.read_csv(dataset_path("course1_ess/impact_sroi_atelier.csv"))


def load_inputs() -> pd.DataFrame:
    return pd.read_csv(dataset_path("course1_ess/impact_couts_atelier.csv"))


def total_inputs() -> float:
    return float(load_inputs()["montant_eur"].sum())


def sroi_table(outcomes: pd.DataFrame | None = None, rate: float = DISCOUNT_RATE, lang: str = "fr") -> pd.DataFrame:
    """Per outcome: gross value, net impact of year 1 and present value over its duration (column names in `lang`)."""
    df = (load_outcomes() if outcomes is None else outcomes).copy()
    df["valeur_brute_eur"] = df["quantite"] * df["proxy_financier_eur"]
    df["impact_net_an1_eur"] = df["valeur_brute_eur"] * (1 - df["effet_aubaine"]) * (1 - df["attribution"])

    def present_value(row) -> float:
        return sum(row["impact_net_an1_eur"] * (1 - row["decroissance"]) ** (t - 1) / (1 + rate) ** t
                   for t in range(1, int(row["duree_annees"]) + 1))

    df["valeur_actualisee_eur"] = df.apply(present_value, axis=1)
    cols = ["resultat", "partie_prenante", "quantite", "proxy_financier_eur", "valeur_brute_eur",
            "impact_net_an1_eur", "duree_annees", "valeur_actualisee_eur"]
    table = df[cols].round(0)
    if lang_of(lang) == "en":
        table = table.assign(resultat=table["resultat"].map(lambda v: OUTCOMES_EN.get(v, v)),
                             partie_prenante=table["partie_prenante"].map(lambda v: STAKEHOLDERS_EN.get(v, v)))
        table = table.rename(columns=SROI_COLUMNS_EN)
    return table


def reference_answers() -> dict:
    table = sroi_table()
    out = load_outcomes().set_index("resultat")
    employed = out.loc["Emploi durable après la sortie", "quantite"]
    training = out.loc["Entrée en formation qualifiante", "quantite"]
    total_pv = float(sroi_table(load_outcomes()).valeur_actualisee_eur.sum())
    return {
        "taux_sorties_positives": round(100 * float(employed + training) / PEOPLE_LEAVING, 1),
        "impact_net_an1_emploi": float(table.set_index("resultat").loc["Emploi durable après la sortie", "impact_net_an1_eur"]),
        "ratio_sroi": round(total_pv / total_inputs(), 2),
    }


def _close(given, expected, rel=0.02, abs_tol=0.0) -> bool:
    try:
        value = float(str(given).replace(",", ".").replace("%", "").replace("€", "").replace(" ", ""))
    except (TypeError, ValueError):
        return False
    return abs(value - expected) <= max(abs(expected) * rel, abs_tol)


def check_sroi(answers: dict, lang: str = "fr", display: bool = True) -> CheckResult:
    """answers = {"taux_sorties_positives": %, "impact_net_an1_emploi": €, "ratio_sroi": x}."""
    ref = reference_answers()
    fr = lang == "fr"
    answers = {ANSWERS_EN.get(k, k): v for k, v in answers.items()}
    tips = {
        "taux_sorties_positives": (
            f"(personnes en emploi durable + personnes en formation) / {PEOPLE_LEAVING} personnes sorties × 100.",
            f"(people in lasting jobs + people in training) / {PEOPLE_LEAVING} people who left × 100."),
        "impact_net_an1_emploi": (
            "quantité × proxy × (1 − effet d'aubaine) × (1 − attribution), pour la ligne « Emploi durable après la sortie ».",
            "quantity × proxy × (1 − deadweight) × (1 − attribution), for the row 'Lasting employment after leaving'."),
        "ratio_sroi": (
            "somme de la colonne valeur_actualisee_eur de sroi_table() divisée par le total des ressources (total_inputs()).",
            "sum of the present_value_eur column of sroi_table() divided by total inputs (total_inputs())."),
    }
    names = {"taux_sorties_positives": ("Taux de sorties positives", "Positive exit rate"),
             "impact_net_an1_emploi": ("Impact net de l'emploi durable, année 1", "Net impact of lasting employment, year 1"),
             "ratio_sroi": ("Ratio SROI", "SROI ratio")}
    sep = " : " if fr else ": "
    messages, good = [], 0
    for key, expected in ref.items():
        given = answers.get(key)
        name = names[key][0 if fr else 1]
        tolerance = {"taux_sorties_positives": 0.6, "impact_net_an1_emploi": 1.0, "ratio_sroi": 0.01}[key]
        if given is None:
            messages.append(f"{name}{sep}" + ("pas encore de réponse. Méthode : " if fr else "no answer yet. Method: ")
                            + tips[key][0 if fr else 1])
        elif _close(given, expected, rel=0.01, abs_tol=tolerance):
            good += 1
            messages.append(f"{name}{sep}" + ("juste" if fr else "correct") + f" ({expected:g}).")
        else:
            messages.append(f"{name}{sep}{given} " + ("ne correspond pas. Méthode : " if fr else "does not match. Method: ")
                            + tips[key][0 if fr else 1])
    ok = good == len(ref)
    if ok:
        messages.append("Un ratio inférieur à 1 ne veut pas dire que l'atelier « détruit » de la valeur : seuls six effets sont "
                        "monétisés, sur un an de ressources. Lisez la discussion des limites ci-dessous."
                        if fr else
                        "A ratio below 1 does not mean the workshop 'destroys' value: only six outcomes are monetised, "
                        "against one year of inputs. Read the discussion of limits below.")
    result = CheckResult(ok=ok, score=good / len(ref), messages=messages, details={"expected": ref})
    return show(result) if display else result


def sensitivity(lang: str = "fr") -> pd.DataFrame:
    """SROI ratio when the key assumptions change: the figure is only as solid as they are."""
    base = load_outcomes()
    inputs = total_inputs()
    scenarios = [
        ("Hypothèses de base", "Base assumptions", base),
        ("Effet d'aubaine +20 points", "Deadweight +20 points",
         base.assign(effet_aubaine=(base.effet_aubaine + 0.20).clip(upper=1))),
        ("Effets liés à l'emploi : 1 an au lieu de 3", "Employment outcomes: 1 year instead of 3",
         base.assign(duree_annees=base.duree_annees.where(base.duree_annees < 3, 1))),
        ("Proxys divisés par deux", "Proxies halved", base.assign(proxy_financier_eur=base.proxy_financier_eur / 2)),
        ("Sans les minima sociaux évités", "Without avoided benefits",
         base[base.resultat != "Minima sociaux non versés"]),
    ]
    col = "scénario" if lang == "fr" else "scenario"
    rows = [{col: fr if lang == "fr" else en,
             ("ratio SROI" if lang == "fr" else "SROI ratio"): round(sroi_table(df).valeur_actualisee_eur.sum() / inputs, 2)}
            for fr, en, df in scenarios]
    return pd.DataFrame(rows)


def plot_sroi(lang: str = "fr"):
    """Horizontal bars: present value by outcome, with the inputs as a reference line."""
    import matplotlib.pyplot as plt

    table = sroi_table().sort_values("valeur_actualisee_eur")
    inputs = total_inputs()
    fig, ax = plt.subplots(figsize=(8, 4))
    fr = lang == "fr"
    names = table["resultat"] if fr else table["resultat"].map(lambda v: OUTCOMES_EN.get(v, v))
    ax.barh(names, table["valeur_actualisee_eur"] / 1000, color="#2e7d32")
    ax.set_xlabel("Valeur actualisée (milliers d'euros)" if fr else "Present value (thousand euros)")
    ax.set_ylabel("Effet (outcome)" if fr else "Outcome")
    total = table["valeur_actualisee_eur"].sum()
    ax.set_title((f"L'Atelier du Rebond (données synthétiques) : {total / 1000:.0f} k€ de valeur pour "
                  f"{inputs / 1000:.0f} k€ de ressources" if fr else
                  f"L'Atelier du Rebond (synthetic data): €{total / 1000:.0f}k of value for €{inputs / 1000:.0f}k of inputs"),
                 fontsize=10)
    fig.tight_layout()
    plt.show()
    plt.close(fig)
    return table
