"""Module 1.1.1 — which organisations belong to the ESS under the French law of 31 July 2014?

Twelve short descriptions of fictitious organisations (synthetic dataset
`course1_ess/organisations_ess.csv`). For each one the learner gives its family
(legal form) and says whether it can belong to the ESS under article 1 of
loi n° 2014-856. The checker gives feedback per misplaced item.

Answers: a dict {id: (family, ess)} where family is one of FAMILIES (French or English
codes accepted, case and accents ignored) and ess is True/False (or "oui"/"non", "yes"/"no").
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from .common import CheckResult, dataset_path, show, lang_of

DATA_FILE = "course1_ess/organisations_ess.csv"

FAMILIES = {
    "association": {"fr": "association", "en": "association"},
    "cooperative": {"fr": "coopérative (Scop, SCIC, CAE, coopérative agricole…)",
                    "en": "cooperative (Scop, SCIC, CAE, farm cooperative…)"},
    "mutuelle": {"fr": "mutuelle", "en": "mutual"},
    "fondation": {"fr": "fondation", "en": "foundation"},
    "societe_commerciale": {"fr": "société commerciale (SAS, SARL, SA…)",
                            "en": "commercial company (SAS, SARL, SA…)"},
    "public": {"fr": "personne publique (collectivité, établissement public)",
               "en": "public body (local authority, public institution)"},
    "individuelle": {"fr": "entreprise individuelle (micro-entrepreneur…)",
                     "en": "sole trader (micro-entrepreneur…)"},
}

_ALIASES = {
    "cooperative": "cooperative", "coop": "cooperative", "scop": "cooperative", "scic": "cooperative",
    "mutual": "mutuelle", "mutuelle": "mutuelle",
    "foundation": "fondation", "fondation": "fondation",
    "association": "association",
    "societe_commerciale": "societe_commerciale", "societe commerciale": "societe_commerciale",
    "commercial_company": "societe_commerciale", "commercial company": "societe_commerciale",
    "company": "societe_commerciale", "societe": "societe_commerciale",
    "public": "public", "public_body": "public", "public body": "public", "personne publique": "public",
    "individuelle": "individuelle", "entreprise individuelle": "individuelle", "sole_trader": "individuelle",
    "sole trader": "individuelle", "micro-entrepreneur": "individuelle",
}

_YES = {"oui", "yes", "o", "y", "true", "vrai", "1"}
_NO = {"non", "no", "n", "false", "faux", "0"}

_TXT = {
    "fr": {
        "missing": "{id} « {nom} » : réponse non renseignée.",
        "unknown": "{id} « {nom} » : famille « {given} » inconnue. Choisissez parmi : {codes}.",
        "family": "{id} « {nom} » : la famille n'est pas « {given} » mais « {expected} ». {why}",
        "ess": "{id} « {nom} » : famille juste, mais cette organisation {verdict} à l'ESS. {why}",
        "both": "{id} « {nom} » : ni la famille (« {given} » au lieu de « {expected} ») ni l'appartenance "
                "à l'ESS ne sont justes. {why}",
        "in": "appartient", "out": "n'appartient pas",
        "ok": "Bravo : les 12 organisations sont bien classées.",
        "score": "{n} organisation(s) bien classée(s) sur {total}.",
        "badess": "{id} « {nom} » : indiquez l'appartenance à l'ESS par True/False (ou « oui »/« non »).",
        "cols": {"id": "n°", "nom": "organisation", "description": "description"},
    },
    "en": {
        "missing": "{id} '{nom}': no answer yet.",
        "unknown": "{id} '{nom}': unknown family '{given}'. Choose from: {codes}.",
        "family": "{id} '{nom}': the family is not '{given}' but '{expected}'. {why}",
        "ess": "{id} '{nom}': right family, but this organisation {verdict} to the ESS. {why}",
        "both": "{id} '{nom}': neither the family ('{given}' instead of '{expected}') nor ESS membership "
                "is right. {why}",
        "in": "does belong", "out": "does not belong",
        "ok": "Well done: all 12 organisations are correctly classified.",
        "score": "{n} organisation(s) out of {total} correctly classified.",
        "badess": "{id} '{nom}': give ESS membership as True/False (or 'yes'/'no').",
        "cols": {"id": "no.", "nom": "organisation", "description": "description"},
    },
}


def _t(lang: str) -> dict:
    return _TXT[lang_of(lang)]


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return text.strip().lower()


def normalise_family(value) -> str | None:
    """Map a French or English family label to its code, or None if unknown."""
    key = _norm(value)
    if key in FAMILIES:
        return key
    return _ALIASES.get(key) or _ALIASES.get(key.replace("_", " "))


def _as_bool(value):
    if isinstance(value, bool):
        return value
    key = _norm(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def load_organisations() -> pd.DataFrame:
    """The 12 fictitious organisations with the reference answers (synthetic data)."""
    df = pd.read_csv(dataset_path(DATA_FILE), dtype=str)
    df["ess"] = df["ess"].map(lambda v: v.strip() == "oui")
    return df


def organisations(lang: str = "fr") -> pd.DataFrame:
    """The table the learner reads: number, name and description (no answers)."""
    df = load_organisations()
    col = "description_en" if lang == "en" else "description_fr"
    out = df[["id", "nom", col]].rename(columns={col: "description"})
    return out.rename(columns=_t(lang)["cols"]).set_index(_t(lang)["cols"]["id"])


CODES_EN = {"mutuelle": "mutual", "fondation": "foundation", "societe_commerciale": "commercial_company",
            "public": "public_body", "individuelle": "sole_trader"}


def family_codes(lang: str = "fr") -> pd.Series:
    """The family codes to use (English codes in English: all are accepted), with their meaning in the learner's language."""
    en = lang_of(lang) == "en"
    return pd.Series({(CODES_EN.get(code, code) if en else code): labels[lang_of(lang)] for code, labels in FAMILIES.items()},
                     name="family" if en else "famille")


def empty_answers() -> dict:
    return {oid: ("?", None) for oid in load_organisations()["id"]}


def check_families(answers: dict, lang: str = "fr", display: bool = True) -> CheckResult:
    """Compare the learner's answers with the reference; one message per misplaced item."""
    t = _t(lang)
    df = load_organisations()
    codes = ", ".join(FAMILIES)
    messages, wrong, missing = [], [], []
    good = 0
    for row in df.itertuples(index=False):
        why = row.raison_en if lang == "en" else row.raison_fr
        fields = {"id": row.id, "nom": row.nom}
        answer = answers.get(row.id)
        if answer is None or (isinstance(answer, (tuple, list)) and (len(answer) < 2 or str(answer[0]).strip() in ("", "?"))):
            missing.append(row.id)
            messages.append(t["missing"].format(**fields))
            continue
        given_fam, given_ess = answer[0], answer[1]
        fam = normalise_family(given_fam)
        ess = _as_bool(given_ess)
        if fam is None:
            wrong.append(row.id)
            messages.append(t["unknown"].format(given=given_fam, codes=codes, **fields))
            continue
        if ess is None:
            wrong.append(row.id)
            messages.append(t["badess"].format(**fields))
            continue
        fam_ok, ess_ok = fam == row.famille, ess == row.ess
        if fam_ok and ess_ok:
            good += 1
            continue
        wrong.append(row.id)
        expected = FAMILIES[row.famille][lang_of(lang)]
        given = FAMILIES[fam][lang_of(lang)]
        if not fam_ok and not ess_ok:
            messages.append(t["both"].format(given=given, expected=expected, why=why, **fields))
        elif not fam_ok:
            messages.append(t["family"].format(given=given, expected=expected, why=why, **fields))
        else:
            verdict = t["in"] if row.ess else t["out"]
            messages.append(t["ess"].format(verdict=verdict, why=why, **fields))
    total = len(df)
    ok = good == total
    summary = t["ok"] if ok else t["score"].format(n=good, total=total)
    result = CheckResult(ok=ok, score=good / total, messages=[summary] + messages,
                         details={"wrong": wrong, "missing": missing, "good": good})
    return show(result) if display else result


def reference_answers() -> dict:
    """The expected answers (used by the tests; the lesson explains them item by item)."""
    return {row.id: (row.famille, bool(row.ess)) for row in load_organisations().itertuples(index=False)}
