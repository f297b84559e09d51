"""Module 3.2.1 — over-reliance on AI: where should a person take over from a triage model?

A fictitious social-action association receives requests (forms, e-mails, text messages,
notes taken at the front desk). A small text classifier (TF-IDF + logistic regression,
scikit-learn, trained in well under a second) sorts them into "urgent" / "non urgent".
The data are SYNTHETIC (course3_ai/triage_demandes.csv, written for the course); English
notebooks use their English counterpart (triage_requests_en.csv: same requests and labels,
English column names), read into the same columns.

The model is right most of the time, yet it is *confidently* wrong on some requests: urgent
situations told in an understated, polite way ("rien de pressé…"), or non-urgent requests
written in alarm words. The learner chooses a confidence threshold: below it, a person
reviews the request; above it, the model's answer is applied automatically. Raising the
threshold catches more errors but sends more requests to the team: the exercise shows that
trade-off (table and chart) and checks a threshold against a stated goal.

Simplifying assumption, said to the learner: a person who reviews a request classifies it
correctly. In reality reviewers can themselves be swayed by the model's suggestion
(automation bias), which is the point of the lesson.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .common import CheckResult, dataset_path, show, lang_of

DATA = "course3_ai/triage_demandes.csv"
DATA_EN = "course3_ai/triage_requests_en.csv"
# The English file's columns and values, read into the columns and values of the French one.
_EN_COLUMNS = {"channel": "canal", "urgency": "urgence", "category": "categorie", "phrasing": "formulation"}
_EN_VALUES = {"urgence": {"urgent": "urgent", "not urgent": "non urgent"},
              "formulation": {"standard": "standard", "simplified spelling": "écrit simplifié",
                              "understated": "indirecte", "alarmist": "alarmiste"}}
LABEL = "urgence"
URGENT = "urgent"
NON_URGENT = "non urgent"
TEST_SIZE = 0.4
SEED = 1
C = 30.0
TABLE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99)

_TXT = {
    "fr": {
        "thr": "seuil", "review": "part relue", "n_review": "demandes relues", "errors": "erreurs automatiques",
        "missed": "urgences manquées", "false_alarms": "fausses alertes",
        "message": "message", "truth": "classement de l'équipe", "pred": "réponse du modèle", "conf": "confiance",
        "form": "formulation",
        "labels": {URGENT: "urgent", NON_URGENT: "non urgent"},
        "forms": {"standard": "standard", "indirecte": "indirecte", "alarmiste": "alarmiste",
                  "écrit simplifié": "écrit simplifié"},
        "describe": "Le modèle a appris sur {n_train} demandes déjà classées par l'équipe, puis a classé {n} autres "
                    "demandes qu'il n'avait jamais vues ({n_urgent} urgentes). Il a raison dans {acc} des cas : "
                    "{n_err} erreurs, dont {n_miss} demandes urgentes classées « non urgent ». {n_conf} de ces erreurs "
                    "ont été faites avec une confiance d'au moins 90 %.",
        "title": "Relire plus ou laisser passer des erreurs ?",
        "x": "Seuil de confiance (en dessous : relecture humaine)",
        "y_left": "Part des demandes relues (%)",
        "y_right": "Erreurs qui passent sans relecture (nombre)",
        "l_review": "demandes relues (%)", "l_errors": "erreurs non relues", "l_missed": "dont urgences manquées",
        "l_window": "seuils qui atteignent l'objectif", "l_yours": "votre seuil",
        "bad_value": "Le seuil doit être un nombre entre 0,5 et 1 (par exemple 0.9), pas « {v} ».",
        "situation": "Avec un seuil de {t} : {n_review} demandes sur {n} ({share}) partent en relecture humaine ; "
                     "{errors} erreur(s) passent automatiquement, dont {missed} demande(s) urgente(s) classée(s) "
                     "« non urgent ».",
        "below_half": "Remarque : la confiance du modèle est toujours d'au moins 50 % (il choisit la classe la plus "
                      "probable) ; un seuil de 0,5 ou moins revient à ne rien faire relire.",
        "too_many_missed": "Trop de demandes urgentes manquées ({missed} pour un maximum de {max}) : montez le seuil "
                           "pour faire relire davantage de cas douteux.",
        "too_much_review": "Trop de relectures ({share} pour un maximum de {max}) : l'équipe ne pourra pas "
                           "suivre ; baissez un peu le seuil.",
        "ok": "Objectif atteint : au plus {max_missed} urgence(s) manquée(s) et au plus {max_share} des demandes relues.",
        "window": "Sur ces données, les seuils qui atteignent l'objectif vont de {lo} à {hi}.",
        "no_window": "Aucun seuil n'atteint les deux objectifs à la fois sur ces données : il faut revoir l'objectif "
                     "ou améliorer le dispositif (exemples plus variés pour entraîner le modèle, règles sur des mots "
                     "d'alerte, canal téléphonique direct pour les urgences).",
        "remaining": "Même avec ce seuil, {k} erreur(s) passe(nt) sans relecture, faite(s) avec une confiance d'au moins {t} : le seuil ne remplace pas "
                     "les autres garde-fous (contrôle régulier d'un échantillon des décisions automatiques, moyen simple "
                     "pour la personne de signaler une urgence, analyse des erreurs avec l'équipe).",
        "none_left": "Avec ce seuil, aucune erreur ne passe sur ces données de test ; de nouvelles formulations "
                     "pourront tromper le modèle demain : gardez un contrôle par échantillon.",
    },
    "en": {
        "thr": "threshold", "review": "share reviewed", "n_review": "requests reviewed", "errors": "automatic errors",
        "missed": "urgent cases missed", "false_alarms": "false alarms",
        "message": "message", "truth": "team's label", "pred": "model's answer", "conf": "confidence",
        "form": "phrasing",
        "labels": {URGENT: "urgent", NON_URGENT: "not urgent"},
        "forms": {"standard": "standard", "indirecte": "understated", "alarmiste": "alarmist",
                  "écrit simplifié": "simplified spelling"},
        "describe": "The model learnt from {n_train} requests already labelled by the team, then classified {n} other "
                    "requests it had never seen ({n_urgent} of them urgent). It is right in {acc} of cases: "
                    "{n_err} errors, including {n_miss} urgent requests labelled 'not urgent'. {n_conf} of these "
                    "errors were made with a confidence of at least 90%.",
        "title": "Review more, or let errors through?",
        "x": "Confidence threshold (below it: human review)",
        "y_left": "Share of requests reviewed (%)",
        "y_right": "Errors that go through unreviewed (count)",
        "l_review": "requests reviewed (%)", "l_errors": "unreviewed errors", "l_missed": "of which urgent cases missed",
        "l_window": "thresholds that meet the goal", "l_yours": "your threshold",
        "bad_value": "The threshold must be a number between 0.5 and 1 (for example 0.9), not '{v}'.",
        "situation": "With a threshold of {t}: {n_review} requests out of {n} ({share}) go to human review; "
                     "{errors} error(s) go through automatically, including {missed} urgent request(s) labelled "
                     "'not urgent'.",
        "below_half": "Note: the model's confidence is always at least 50% (it picks the more probable class); a "
                      "threshold of 0.5 or less means nothing is reviewed.",
        "too_many_missed": "Too many urgent requests missed ({missed} for a maximum of {max}): raise the threshold so "
                           "that more doubtful cases are reviewed.",
        "too_much_review": "Too much review ({share} for a maximum of {max}): the team cannot keep up; lower "
                           "the threshold a little.",
        "ok": "Goal met: at most {max_missed} urgent case(s) missed and at most {max_share} of requests reviewed.",
        "window": "On these data, the thresholds that meet the goal range from {lo} to {hi}.",
        "no_window": "No threshold meets both goals at once on these data: the goal must be revisited or the set-up "
                     "improved (more varied training examples, rules on alarm words, a direct phone line for "
                     "emergencies).",
        "remaining": "Even with this threshold, {k} error(s) go through unreviewed, made with a confidence of at least {t}: the threshold does not "
                     "replace the other safeguards (regular checks of a sample of automatic decisions, a simple way for "
                     "people to flag an emergency, reviewing errors with the team).",
        "none_left": "With this threshold no error goes through on these test data; new phrasings may fool the model "
                     "tomorrow: keep checking a sample.",
    },
}


# English glosses of the French messages the model gets wrong on the test split (shown when French data are
# read with English labels)
GLOSS_EN = {
    "Au secours, je ne trouve plus mon reçu fiscal et les impôts c'est dans deux mois ! Pouvez-vous m'aider aujourd'hui ?":
        "Help, I can't find my tax receipt and the tax return is due in two months! Can you help me today?",
    "Bonjour à toute l'équipe, je cherche des conseils pour dormir ailleurs, le propriétaire a mis nos affaires dehors. Bonne journée.":
        "Hello to the whole team, I'm looking for advice on sleeping somewhere else, the landlord has put our things outside. Have a nice day.",
    "Bonjour, je voudrais connaître la liste des produits de la semaine prochaine, on tient jusqu'à mardi avec ce qui reste. Merci d'avance.":
        "Hello, I'd like the list of next week's products, we can last until Tuesday with what is left. Thanks in advance.",
    "Madame, Monsieur, je cherche un atelier de prévention sur le sommeil, ma sœur ne dort plus et parle d'en finir. Cordialement.":
        "Dear Sir or Madam, I am looking for a workshop on sleep health, my sister no longer sleeps and talks about ending it all. Regards.",
    "Bonjour, pouvez-vous m'aider à remplir un formulaire ? Le courrier dit que le gaz sera suspendu lundi. Quand vous aurez un moment.":
        "Hello, could you help me fill in a form? The letter says the gas will be cut off on Monday. When you have a moment.",
    "bjr il fé tro froi pa de chofage bébé malade":
        "(phonetic spelling) hi it's too cold no heating baby ill",
    "Je souhaite changer mon adresse, je suis chez une amie pour quelques nuits depuis que la serrure a été changée. Rien de pressé.":
        "I'd like to change my address, I'm staying with a friend for a few nights since the lock was changed. No rush.",
    "bonjour moi pa manger 2 jour enfant aussi aidé":
        "(phonetic spelling) hello me not eaten 2 days child too help",
    "Bonjour, est-ce que la permanence de la mutuelle a lieu ce mois-ci ? Mon mari a arrêté son traitement car nous n'avons plus de droits. Cordialement.":
        "Hello, is the mutual insurer's drop-in session on this month? My husband has stopped his treatment because we no longer have health cover. Regards.",
    "ma mer tombé elle bouge pa ele vi seul":
        "(phonetic spelling) my mother fell she doesn't move she lives alone",
    "Bonjour, je voudrais savoir si l'épicerie a encore des places, on fait sans depuis jeudi avec les petits. Bonne journée.":
        "Hello, I'd like to know if the grocery still has places, we've been going without since Thursday with the little ones. Have a nice day.",
    "Au secours, je n'arrive pas à renouveler mon adhésion en ligne ! C'est très urgent.":
        "Help, I can't renew my membership online! It's very urgent.",
}


def _t(lang: str) -> dict:
    return _TXT[lang_of(lang)]


def _num(x: float, lang: str) -> str:
    s = f"{x:.2f}"
    return s.replace(".", ",") if lang != "en" else s


def _pct(x: float, lang: str) -> str:
    return f"{x:.0%}" if lang == "en" else f"{x * 100:.0f} %"


def load_requests(lang: str = "fr") -> pd.DataFrame:
    """The synthetic requests in the notebook's language: id, canal, message, urgence, categorie, formulation."""
    if lang_of(lang) == "fr":
        return pd.read_csv(dataset_path(DATA), comment="#")
    df = pd.read_csv(dataset_path(DATA_EN), comment="#").rename(columns=_EN_COLUMNS)
    for column, values in _EN_VALUES.items():
        df[column] = df[column].map(values)
    return df


@dataclass
class Triage:
    """A trained triage model and its answers on the test requests."""

    model: object
    test: pd.DataFrame          # message, urgence, formulation, proba_urgent, prediction, confiance, erreur
    n_train: int
    lang: str = "fr"            # language of the messages

    @property
    def accuracy(self) -> float:
        return float(1 - self.test["erreur"].mean())


def train(df: pd.DataFrame | None = None, lang: str = "fr") -> Triage:
    """TF-IDF on words and word pairs + logistic regression, trained on 60 % of the requests (of `lang`)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    df = df if df is not None else load_requests(lang)
    strata = df[LABEL] + "|" + df["formulation"]
    train_df, test_df = train_test_split(df, test_size=TEST_SIZE, random_state=SEED, stratify=strata)
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                          LogisticRegression(C=C, max_iter=2000))
    model.fit(train_df["message"], train_df[LABEL] == URGENT)
    proba = model.predict_proba(test_df["message"])[:, 1]
    test = test_df.reset_index(drop=True).copy()
    test["proba_urgent"] = proba
    test["prediction"] = np.where(proba >= 0.5, URGENT, NON_URGENT)
    test["confiance"] = np.maximum(proba, 1 - proba)
    test["erreur"] = test["prediction"] != test[LABEL]
    return Triage(model, test, len(train_df), lang_of(lang))


def outcome(triage: Triage, threshold: float) -> dict:
    """What happens with one threshold: requests below it are reviewed (and then assumed right)."""
    t = triage.test
    auto = t["confiance"] >= threshold
    errors = auto & t["erreur"]
    missed = errors & (t[LABEL] == URGENT)
    n = len(t)
    return {"threshold": float(threshold), "n": n, "n_review": int((~auto).sum()),
            "review_share": float((~auto).mean()), "auto_errors": int(errors.sum()),
            "missed_urgent": int(missed.sum()), "false_alarms": int((errors & (t[LABEL] != URGENT)).sum())}


def sweep(triage: Triage, thresholds=None) -> pd.DataFrame:
    """One row per threshold (0.50 to 0.99 by 0.01 by default)."""
    if thresholds is None:
        thresholds = np.round(np.arange(0.50, 0.995, 0.01), 2)
    return pd.DataFrame([outcome(triage, float(th)) for th in thresholds])


def feasible_thresholds(triage: Triage, max_review_share: float, max_missed_urgent: int) -> list[float]:
    s = sweep(triage)
    ok = s[(s["review_share"] <= max_review_share + 1e-9) & (s["missed_urgent"] <= max_missed_urgent)]
    return [float(x) for x in ok["threshold"]]


def describe(triage: Triage, lang: str = "fr") -> str:
    t = triage.test
    err = t["erreur"]
    return _t(lang)["describe"].format(
        n_train=triage.n_train, n=len(t), n_urgent=int((t[LABEL] == URGENT).sum()), acc=_pct(triage.accuracy, lang),
        n_err=int(err.sum()), n_miss=int((err & (t[LABEL] == URGENT)).sum()),
        n_conf=int((err & (t["confiance"] >= 0.9)).sum()))


def tradeoff_table(triage: Triage, thresholds=TABLE_THRESHOLDS, lang: str = "fr") -> pd.DataFrame:
    """The trade-off for a few thresholds, with column names in the notebook's language."""
    tx = _t(lang)
    s = sweep(triage, thresholds)
    out = pd.DataFrame({
        tx["thr"]: s["threshold"].round(2),
        tx["review"]: (s["review_share"] * 100).round(0).astype(int).astype(str) + " %",
        tx["n_review"]: s["n_review"],
        tx["errors"]: s["auto_errors"],
        tx["missed"]: s["missed_urgent"],
        tx["false_alarms"]: s["false_alarms"],
    })
    return out


def confident_errors(triage: Triage, n: int = 5, lang: str = "fr") -> pd.DataFrame:
    """The n errors made with the highest confidence."""
    tx = _t(lang)
    err = triage.test[triage.test["erreur"]].sort_values("confiance", ascending=False).head(n)
    table = pd.DataFrame({
        tx["message"]: err["message"],
        tx["truth"]: err[LABEL].map(tx["labels"]),
        tx["pred"]: err["prediction"].map(tx["labels"]),
        tx["conf"]: (err["confiance"] * 100).round(0).astype(int).astype(str) + " %",
        tx["form"]: err["formulation"].map(tx["forms"]),
    }).reset_index(drop=True)
    if lang == "en" and triage.lang == "fr":
        table.insert(1, "English gloss", [GLOSS_EN.get(m, "—") for m in err["message"]])
    return table


def plot_tradeoff(triage: Triage, threshold: float | None = None, max_review_share: float | None = None,
                  max_missed_urgent: int | None = None, lang: str = "fr") -> None:
    """Share reviewed (left axis) and errors let through (right axis) for thresholds 0.50-0.99."""
    import matplotlib.pyplot as plt
    tx = _t(lang)
    s = sweep(triage)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    l1, = ax.plot(s["threshold"], s["review_share"] * 100, color="#1f5fa8", lw=2, label=tx["l_review"])
    ax.set_xlabel(tx["x"])
    ax.set_ylabel(tx["y_left"])
    ax.set_ylim(0, 100)
    ax2 = ax.twinx()
    l2, = ax2.step(s["threshold"], s["auto_errors"], where="post", color="#b03a2e", lw=2, label=tx["l_errors"])
    l3, = ax2.step(s["threshold"], s["missed_urgent"], where="post", color="#b03a2e", lw=1.5, ls="--",
                   label=tx["l_missed"])
    ax2.set_ylabel(tx["y_right"])
    ax2.set_ylim(0, max(1, int(s["auto_errors"].max())) + 1)
    handles = [l1, l2, l3]
    if max_review_share is not None and max_missed_urgent is not None:
        ok = feasible_thresholds(triage, max_review_share, max_missed_urgent)
        if ok:
            handles.append(ax.axvspan(min(ok) - 0.005, max(ok) + 0.005, color="#2e7d32", alpha=0.15,
                                      label=tx["l_window"]))
    if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
        handles.append(ax.axvline(float(threshold), color="black", ls=":", lw=1.5, label=tx["l_yours"]))
    ax.set_title(tx["title"])
    ax2.legend(handles=handles, loc="center left", fontsize=8, framealpha=0.95)
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def check_threshold(threshold, max_review_share: float = 0.30, max_missed_urgent: int = 2,
                    triage: Triage | None = None, lang: str = "fr") -> CheckResult:
    """Does the learner's threshold meet the goal (few urgent requests missed, a workload the team can absorb)?"""
    tx = _t(lang)
    try:
        value = float(threshold)
        if math.isnan(value) or isinstance(threshold, bool):
            raise ValueError
    except (TypeError, ValueError):
        return show(CheckResult(False, 0.0, [tx["bad_value"].format(v=threshold)], {"threshold": None}))
    if value > 1:
        return show(CheckResult(False, 0.0, [tx["bad_value"].format(v=threshold)], {"threshold": value}))
    triage = triage or train(lang=lang)
    res = outcome(triage, value)
    msgs = [tx["situation"].format(t=_num(value, lang), n_review=res["n_review"], n=res["n"],
                                   share=_pct(res["review_share"], lang), errors=res["auto_errors"], missed=res["missed_urgent"])]
    if value <= 0.5:
        msgs.append(tx["below_half"])
    missed_ok = res["missed_urgent"] <= max_missed_urgent
    review_ok = res["review_share"] <= max_review_share + 1e-9
    if not missed_ok:
        msgs.append(tx["too_many_missed"].format(missed=res["missed_urgent"], max=max_missed_urgent))
    if not review_ok:
        msgs.append(tx["too_much_review"].format(share=_pct(res["review_share"], lang), max=_pct(max_review_share, lang)))
    ok = missed_ok and review_ok
    if ok:
        msgs.append(tx["ok"].format(max_missed=max_missed_urgent, max_share=_pct(max_review_share, lang)))
    window = feasible_thresholds(triage, max_review_share, max_missed_urgent)
    if ok and window:
        msgs.append(tx["window"].format(lo=_num(min(window), lang), hi=_num(max(window), lang)))
    elif not window:
        msgs.append(tx["no_window"])
    if res["auto_errors"]:
        msgs.append(tx["remaining"].format(k=res["auto_errors"], t=_pct(value, lang)))
    else:
        msgs.append(tx["none_left"])
    score = 1.0 if ok else (0.5 if (missed_ok or review_ok) else 0.0)
    return show(CheckResult(ok, score, msgs, {**res, "window": window, "missed_ok": missed_ok,
                                               "review_ok": review_ok}))


def show_confident_errors(triage: Triage, n: int = 5, lang: str = "fr") -> pd.DataFrame:
    """Display the n most confident errors with their full messages (and return them)."""
    from IPython.display import display
    table = confident_errors(triage, n, lang)
    with pd.option_context("display.max_colwidth", None):
        display(table)
    return table
