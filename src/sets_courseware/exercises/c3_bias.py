"""Module 3.2.4 — audit a shortlisting model for bias with fairlearn, mitigate, see the trade-off.

The data are synthetic past shortlisting decisions that disadvantaged women, partly
through a proxy (career breaks in the CV). The model never sees the gender column, yet it
reproduces the gap: "fairness through unawareness" does not work. fairlearn measures
selection rates by group; a post-processing mitigation (ThresholdOptimizer) equalises them
at some cost in accuracy against the biased historical labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .common import CheckResult, dataset_path, show

FEATURES = ["experience_years", "diploma_level", "cv_gap_months", "driving_licence", "volunteering"]


def load_applicants() -> pd.DataFrame:
    return pd.read_csv(dataset_path("course3_ai/bias_applicants.csv"), comment="#")


@dataclass
class Audit:
    by_group: pd.DataFrame
    dp_difference: float
    accuracy: float
    name: str


def _split(df: pd.DataFrame):
    from sklearn.model_selection import train_test_split
    return train_test_split(df, test_size=0.35, random_state=0, stratify=df["shortlisted"])


def train(df: pd.DataFrame | None = None):
    """A logistic regression on the features (gender excluded), trained on 65 % of the data."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    df = df if df is not None else load_applicants()
    train_df, test_df = _split(df)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(train_df[FEATURES], train_df["shortlisted"])
    return model, train_df, test_df


def audit(y_true, y_pred, groups, name: str) -> Audit:
    from fairlearn.metrics import MetricFrame, demographic_parity_difference, selection_rate
    from sklearn.metrics import accuracy_score, recall_score
    frame = MetricFrame(metrics={"selection_rate": selection_rate, "accuracy": accuracy_score,
                                 "true_positive_rate": recall_score},
                        y_true=y_true, y_pred=y_pred, sensitive_features=groups)
    return Audit(frame.by_group.round(3), round(float(demographic_parity_difference(
        y_true, y_pred, sensitive_features=groups)), 3), round(float(accuracy_score(y_true, y_pred)), 3), name)


def run(df: pd.DataFrame | None = None) -> dict[str, Audit]:
    """The audit of the plain model and of the model after ThresholdOptimizer (demographic parity)."""
    from fairlearn.postprocessing import ThresholdOptimizer
    model, train_df, test_df = train(df)
    plain = audit(test_df["shortlisted"], model.predict(test_df[FEATURES]), test_df["gender"], "sans correction")
    mitigator = ThresholdOptimizer(estimator=model, constraints="demographic_parity", prefit=True,
                                   predict_method="predict_proba")
    mitigator.fit(train_df[FEATURES], train_df["shortlisted"], sensitive_features=train_df["gender"])
    fixed_pred = mitigator.predict(test_df[FEATURES], sensitive_features=test_df["gender"], random_state=0)
    fixed = audit(test_df["shortlisted"], fixed_pred, test_df["gender"], "ThresholdOptimizer")
    return {"plain": plain, "mitigated": fixed}


def tradeoff_table(results: dict[str, Audit], lang: str = "fr") -> pd.DataFrame:
    cols = ({"model": "modèle", "accuracy": "exactitude", "dp": "écart de parité démographique"} if lang == "fr"
            else {"model": "model", "accuracy": "accuracy", "dp": "demographic parity difference"})
    return pd.DataFrame([{cols["model"]: a.name, cols["accuracy"]: a.accuracy, cols["dp"]: a.dp_difference}
                         for a in results.values()])


def plot(results: dict[str, Audit], lang: str = "fr"):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.2))
    names = list(results)
    width = 0.35
    groups = list(results[names[0]].by_group.index)
    for i, key in enumerate(names):
        rates = results[key].by_group["selection_rate"]
        ax.bar([g + (i - 0.5) * width for g in range(len(groups))], [rates[g] for g in groups], width,
               label=results[key].name)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel("taux de présélection" if lang == "fr" else "shortlisting rate")
    ax.set_title("Taux de présélection par genre" if lang == "fr" else "Shortlisting rate by gender")
    ax.legend()
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def check_audit(disadvantaged_group: str, removing_gender_is_enough: bool, results: dict[str, Audit] | None = None,
                lang: str = "fr") -> CheckResult:
    results = results or run()
    rates = results["plain"].by_group["selection_rate"]
    worst = rates.idxmin()
    fr = lang == "fr"
    msgs, good = [], 0
    if disadvantaged_group.strip().upper() == worst:
        good += 1
        msgs.append(f"Oui : le groupe {worst} est présélectionné à {rates[worst]:.0%} contre {rates.max():.0%}." if fr else
                    f"Yes: group {worst} is shortlisted at {rates[worst]:.0%} against {rates.max():.0%}.")
    else:
        msgs.append(f"Non : regardez la colonne selection_rate, c'est le groupe {worst} qui est désavantagé." if fr else
                    f"No: look at the selection_rate column; group {worst} is the disadvantaged one.")
    if not removing_gender_is_enough:
        good += 1
        msgs.append("Exact : le modèle ne voit pas le genre, mais les interruptions de carrière servent de variable de substitution." if fr else
                    "Right: the model never sees gender, but career breaks act as a proxy.")
    else:
        msgs.append("Non : le genre est déjà absent des variables, et l'écart demeure — une variable corrélée (interruptions de CV) le transmet." if fr else
                    "No: gender is already left out, and the gap remains — a correlated variable (CV gaps) carries it.")
    return show(CheckResult(good == 2, good / 2, msgs, {"worst": worst}))
