"""Module 1.3 — a small decision helper comparing ESS legal forms, and three project cases.

``recommend(criteria)`` scores six forms (association, SCOP, SCIC, fonds de dotation,
fondation reconnue d'utilité publique, SAS with the ESUS approval) against a project's
criteria and explains the ranking criterion by criterion. The attributes of each form are
in ``course1_ess/legal_formes.csv`` (a simplified teaching grid: a real choice also needs
a lawyer's or a support network's advice). ``check_cases`` gives feedback on the learner's
answers to three short project cases.

The forms are French legal forms (that is the point of the module), but English notebooks
use English criteria and values (``profit_sharing``: ``"none"``/``"limited"``/``"free"``,
``governance``: ``"one_member_one_vote"``…), English column names for the grid and English
case keys (``case1``…); they are read into the same rules.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from .common import CheckResult, dataset_path, lang_of, show

CRITERIA = {
    "partage_benefices": ("aucun", "limite", "libre"),
    "gouvernance": ("un_membre_une_voix", "salaries", "multi_parties", "fondateurs", "conseil_independant", "actionnaires"),
    "dons_defiscalises": (True, False),
    "capital_investisseurs": (True, False),
    "propriete_salaries": (True, False),
    "collectif_de_membres": (True, False),
}

CRITERION_LABELS = {
    "partage_benefices": ("partage des bénéfices", "profit-sharing"),
    "gouvernance": ("gouvernance", "governance"),
    "dons_defiscalises": ("dons et legs avec avantage fiscal", "tax-deductible donations and legacies"),
    "capital_investisseurs": ("capital apporté par des investisseurs", "equity from investors"),
    "propriete_salaries": ("propriété par les salarié·es", "employee ownership"),
    "collectif_de_membres": ("collectif de membres", "a membership"),
}

CRITERIA_EN = {"profit_sharing": "partage_benefices", "governance": "gouvernance",
               "tax_deductible_gifts": "dons_defiscalises", "investor_capital": "capital_investisseurs",
               "employee_ownership": "propriete_salaries", "membership": "collectif_de_membres"}
VALUES_EN = {"none": "aucun", "limited": "limite", "free": "libre", "one_member_one_vote": "un_membre_une_voix",
             "employees": "salaries", "multi_stakeholder": "multi_parties", "founders": "fondateurs",
             "independent_board": "conseil_independant", "shareholders": "actionnaires"}
_GRID_VALUES_EN = {"oui": "yes", "non": "no", "partielle": "partial", "possible": "possible",
                   **{v: k for k, v in VALUES_EN.items()}}
CREATION_EN = {
    "déclaration en préfecture": "declaration at the prefecture (the State's local office)",
    "immatriculation au RCS": "registration in the trade and companies register (RCS)",
    "déclaration en préfecture (dotation initiale d'au moins 15 000 €)":
        "declaration at the prefecture (initial endowment of at least €15,000)",
    "décret en Conseil d'État": "decree after the opinion of the Conseil d'État (France's highest administrative court)",
    "immatriculation au RCS puis demande d'agrément": "registration in the RCS, then an application for the approval",
}

CODES_EN = {"fonds_dotation": "endowment_fund", "fondation_rup": "public_utility_foundation"}


def display_code(code: str, lang: str = "fr") -> str:
    """A form's code as the notebook's language shows it (two codes are French words)."""
    return CODES_EN.get(code, code) if lang_of(lang) == "en" else code


FORM_NAMES_EN = {
    "association": "Association (1901 Act)",
    "scop": "Worker cooperative (SCOP)",
    "scic": "Multi-stakeholder cooperative (SCIC)",
    "fonds_dotation": "Endowment fund (fonds de dotation)",
    "fondation_rup": "Foundation recognised as being of public utility (FRUP)",
    "sas_esus": "ESS simplified joint-stock company (SAS) with the ESUS approval",
}


def _grid() -> pd.DataFrame:
    return pd.read_csv(dataset_path("course1_ess/legal_formes.csv"))


def forms(lang: str = "fr") -> pd.DataFrame:
    """The grid of forms; in English, English column names and values (the reference texts stay French law)."""
    df = _grid()
    if lang_of(lang) == "fr":
        return df
    en = df.rename(columns={"forme": "form", "texte_de_reference": "reference_text",
                            **{fr: en for en, fr in CRITERIA_EN.items()}})
    en["form"] = df["code"].map(FORM_NAMES_EN)
    en["code"] = df["code"].map(lambda c: display_code(c, lang))
    for column in CRITERIA_EN:
        en[column] = en[column].map(lambda v: _GRID_VALUES_EN.get(v, v))
    en["creation"] = df["creation"].map(lambda v: CREATION_EN.get(v, v))
    return en


def _match(criterion: str, wanted, offered: str) -> tuple[int, str]:
    """Score 2 (fits), 1 (partly) or 0 (does not fit), with a short FR reason code."""
    offered = str(offered)
    if criterion == "partage_benefices":
        if wanted == "libre":
            return 0, "libre"
        if wanted == offered:
            return 2, "ok"
        if wanted == "aucun" and offered == "limite":
            return 1, "partiel"
        return 0, "non"
    if criterion == "gouvernance":
        if wanted == offered:
            return 2, "ok"
        close = {("un_membre_une_voix", "salaries"), ("un_membre_une_voix", "multi_parties"),
                 ("multi_parties", "un_membre_une_voix"), ("fondateurs", "actionnaires"),
                 ("actionnaires", "fondateurs"), ("salaries", "multi_parties")}
        return (1, "partiel") if (wanted, offered) in close else (0, "non")
    # yes/no criteria: only a "yes" need is discriminating
    if not wanted:
        return 2, "ok"
    if offered == "oui":
        return 2, "ok"
    if offered in ("limite", "partielle", "possible"):
        return 1, "partiel"
    return 0, "non"


def recommend(criteria: dict, lang: str = "fr", top: int = 3) -> pd.DataFrame:
    """Rank the forms for a project. criteria keys: see CRITERIA (or CRITERIA_EN); missing keys are ignored."""
    criteria = {CRITERIA_EN.get(k, k): (VALUES_EN.get(v, v) if isinstance(v, str) else v) for k, v in criteria.items()}
    unknown = [k for k in criteria if k not in CRITERIA]
    fr = lang == "fr"
    if unknown:
        raise ValueError(f"unknown criteria {unknown}; expected some of {list(CRITERIA if fr else CRITERIA_EN)}")
    rows = []
    for _, form in _grid().iterrows():
        score, reasons = 0, []
        for criterion, wanted in criteria.items():
            points, why = _match(criterion, wanted, form[criterion])
            score += points
            label = CRITERION_LABELS[criterion][0 if fr else 1]
            if why == "libre":
                reasons.append("partage libre des bénéfices : hors ESS, une société classique convient mieux" if fr
                               else "free profit-sharing: outside the ESS, an ordinary company fits better")
            elif why == "partiel":
                reasons.append(f"{label} : possible mais encadré" if fr else f"{label}: possible but limited")
            elif why == "non":
                reasons.append(f"{label} : non adapté" if fr else f"{label}: does not fit")
        maximum = 2 * len(criteria) or 1
        name = form["forme"] if fr else FORM_NAMES_EN.get(form["code"], form["forme"])
        rows.append({"code": display_code(form["code"], lang), ("forme" if fr else "form"): name,
                     "score": round(score / maximum, 2),
                     ("points de vigilance" if fr else "watch points"): "; ".join(reasons) or ("aucun" if fr else "none"),
                     ("création" if fr else "set-up"): form["creation"] if fr else CREATION_EN.get(form["creation"],
                                                                                               form["creation"])})
    table = pd.DataFrame(rows).sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    return table.head(top) if top else table


# ------------------------------------------------------------------ cases

CASES = {
    "cas1": {
        "fr": "Imprimerie Durand, 22 salarié·es. Le dirigeant part à la retraite sans repreneur. Les salarié·es veulent "
              "reprendre l'entreprise, en détenir la majorité du capital, décider ensemble (une personne, une voix) et "
              "se partager une partie des résultats.",
        "en": "Durand printing works, 22 employees. The owner is retiring with no buyer. The employees want to take over "
              "the company, hold most of its capital, decide together (one person, one vote) and share part of the profits.",
        "criteria": {"partage_benefices": "limite", "gouvernance": "salaries", "propriete_salaries": True,
                     "collectif_de_membres": True},
        "answer": "scop",
        "why": ("La SCOP est faite pour cela : les salarié·es associé·es détiennent au moins 51 % du capital et 65 % des "
                "droits de vote, et une part des résultats leur revient (part travail).",
                "The SCOP is designed for this: employee members hold at least 51% of the capital and 65% of the votes, "
                "and part of the profit goes to the workers."),
    },
    "cas2": {
        "fr": "Au Bon Village, épicerie-café d'une commune rurale. Les habitant·es, des producteurs locaux, les deux "
              "salarié·es et la commune veulent tous entrer au capital et siéger à l'assemblée générale. Le projet vend "
              "des produits et doit rester rentable, sans enrichir personne.",
        "en": "Au Bon Village, a grocery-café in a rural municipality. Residents, local farmers, the two employees and the "
              "municipality all want to hold shares and sit at the general meeting. The project sells goods and must be "
              "viable, without making anyone rich.",
        "criteria": {"partage_benefices": "limite", "gouvernance": "multi_parties", "collectif_de_membres": True,
                     "capital_investisseurs": True},
        "answer": "scic",
        "why": ("La SCIC associe plusieurs catégories (salarié·es, bénéficiaires, et d'autres comme les producteurs ou la "
                "commune) dans une gouvernance coopérative ; une collectivité peut détenir jusqu'à 50 % du capital.",
                "The SCIC brings several categories together (employees, beneficiaries, and others such as farmers or "
                "the municipality) in cooperative governance; a local authority may hold up to 50% of the capital."),
    },
    "cas3": {
        "fr": "Une cheffe d'entreprise veut consacrer une partie de son patrimoine à financer, chaque année, des bourses "
              "pour des apprenti·es. Elle veut créer la structure vite, en garder le pilotage avec sa famille, recevoir "
              "des dons et des legs d'autres donateurs, sans adhérent·es ni activité commerciale.",
        "en": "A business owner wants to devote part of her wealth to funding grants for apprentices every year. She wants "
              "to set the structure up quickly, keep control of it with her family, receive gifts and legacies from "
              "other donors, with no members and no trading activity.",
        "criteria": {"partage_benefices": "aucun", "gouvernance": "fondateurs", "dons_defiscalises": True,
                     "collectif_de_membres": False},
        "answer": "fonds_dotation",
        "why": ("Le fonds de dotation se crée par simple déclaration en préfecture (dotation initiale d'au moins 15 000 €), "
                "peut rester piloté par ses fondateurs et recevoir dons et legs. Une fondation reconnue d'utilité publique "
                "exigerait un décret et une gouvernance indépendante des fondateurs.",
                "An endowment fund is created by a simple declaration to the prefecture (initial endowment of at least "
                "€15,000), may stay under its founders' control and can receive gifts and legacies. A foundation "
                "recognised as being of public utility would need a decree and governance independent of its founders."),
    },
}

_CODES = {"association": "association", "asso": "association", "scop": "scop", "scic": "scic",
          "fonds de dotation": "fonds_dotation", "fonds_dotation": "fonds_dotation", "endowment fund": "fonds_dotation",
          "fondation": "fondation_rup", "fondation_rup": "fondation_rup", "frup": "fondation_rup",
          "foundation": "fondation_rup", "sas_esus": "sas_esus", "sas esus": "sas_esus", "sas": "sas_esus",
          "esus": "sas_esus", "endowment_fund": "fonds_dotation", "public_utility_foundation": "fondation_rup",
          "public utility foundation": "fondation_rup", "endowment": "fonds_dotation"}


def _code(value) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().strip().lower()
    return _CODES.get(text, _CODES.get(text.replace("-", " "), text))


def show_cases(lang: str = "fr") -> None:
    for key, case in CASES.items():
        label = key if lang != "en" else key.replace("cas", "case")
        print(f"{label} — {case[lang if lang in ('fr', 'en') else 'fr']}\n")


def check_cases(answers: dict, lang: str = "fr", display: bool = True) -> CheckResult:
    """answers = {"cas1": "scop", "cas2": ..., "cas3": ...} (or "case1"…); codes as in the grid of the notebook's language."""
    fr = lang == "fr"
    messages, good = [], 0
    answers = {str(k).replace("case", "cas"): v for k, v in answers.items()}
    for key, case in CASES.items():
        prefix = f"{key} : " if fr else f"{key.replace('cas', 'case')}: "
        given = answers.get(key)
        why = case["why"][0 if fr else 1]
        if given is None or str(given).strip() == "":
            messages.append(prefix + ("pas encore de réponse." if fr else "no answer yet."))
            continue
        code = _code(given)
        if code == case["answer"]:
            good += 1
            messages.append(prefix + ("juste. " if fr else "correct. ") + why)
            continue
        ranking = recommend(case["criteria"], lang=lang, top=0)
        row = ranking[ranking.code == display_code(code, lang)]
        if row.empty:
            messages.append(prefix + (f"« {given} » n'est pas une forme de la grille (association, scop, scic, "
                            "fonds_dotation, fondation_rup, sas_esus)." if fr else f"'{given}' is not a form of the "
                            "grid (association, scop, scic, endowment_fund, public_utility_foundation, sas_esus)."))
        else:
            watch = row.iloc[0, 3]
            messages.append(prefix + ("pas la meilleure option. Pour ce projet, " if fr else
                                           "not the best option. For this project, ")
                            + f"{row.iloc[0, 1]} → {watch}. " + ("Relisez les critères du cas." if fr
                                                                  else "Read the case's criteria again."))
    ok = good == len(CASES)
    result = CheckResult(ok=ok, score=good / len(CASES), messages=messages, details={"correct": good})
    return show(result) if display else result
