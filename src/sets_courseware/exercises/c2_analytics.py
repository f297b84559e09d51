"""Module 2.1.1 — find where visitors drop out of a donation funnel, from an analytics export.

The export is synthetic, in the style of a Matomo goal funnel: one row per visit with the
last step reached. The learner computes the funnel with pandas, charts it, and names the
step that loses the largest share of the visitors who reached the step before it.
"""

from __future__ import annotations

import pandas as pd

from .common import CheckResult, dataset_path, show

STEPS = ["accueil", "page_don", "formulaire", "paiement", "confirmation"]
LABELS = {"fr": ["Accueil", "Page « Faire un don »", "Formulaire", "Paiement", "Confirmation"],
          "en": ["Home", "'Donate' page", "Form", "Payment", "Confirmation"]}


def load_visits() -> pd.DataFrame:
    return pd.read_csv(dataset_path("course2_digital/analytics_dons_mars.csv"), comment="#")


def funnel(visits: pd.DataFrame | None = None, by: str | None = None) -> pd.DataFrame:
    """Visitors reaching each step (a visit that reached step k also passed steps 0..k-1)."""
    visits = visits if visits is not None else load_visits()
    rank = visits["derniere_etape"].map({s: i for i, s in enumerate(STEPS)})
    if rank.isna().any():
        bad = visits.loc[rank.isna(), "derniere_etape"].unique().tolist()
        raise ValueError(f"unknown step(s) in the export: {bad}; expected one of {STEPS}")
    groups = [("total", rank)] if by is None else [(g, rank[visits[by] == g]) for g in sorted(visits[by].unique())]
    rows = []
    for name, r in groups:
        reached = [int((r >= i).sum()) for i in range(len(STEPS))]
        for i, step in enumerate(STEPS):
            kept = reached[i] / reached[i - 1] if i and reached[i - 1] else 1.0
            rows.append({"groupe": name, "etape": step, "visiteurs": reached[i],
                         "taux_passage": round(kept, 3), "perte": reached[i - 1] - reached[i] if i else 0})
    return pd.DataFrame(rows)


def worst_step(table: pd.DataFrame) -> str:
    """The step with the lowest pass-through rate from the step before it."""
    rest = table[table["etape"] != STEPS[0]]
    return rest.sort_values("taux_passage").iloc[0]["etape"]


def plot(visits: pd.DataFrame | None = None, lang: str = "fr"):
    import matplotlib.pyplot as plt
    table = funnel(visits, by="appareil")
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for device, sub in table.groupby("groupe"):
        ax.plot(LABELS[lang], sub["visiteurs"].to_numpy(), marker="o", label=device)
    ax.set_ylabel("visiteurs" if lang == "fr" else "visitors")
    ax.set_title("Entonnoir de don par appareil (mars 2025, données synthétiques)" if lang == "fr"
                 else "Donation funnel by device (March 2025, synthetic data)")
    ax.legend()
    fig.autofmt_xdate(rotation=20)
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def check_answers(worst: str, device: str, visits: pd.DataFrame | None = None, lang: str = "fr") -> CheckResult:
    """The learner names the leakiest step overall, and the device on which it leaks most."""
    visits = visits if visits is not None else load_visits()
    fr = lang == "fr"
    total = funnel(visits)
    step = worst_step(total)
    by_device = funnel(visits, by="appareil")
    at_step = by_device[by_device["etape"] == step].set_index("groupe")["taux_passage"]
    bad_device = at_step.idxmin()
    msgs, good = [], 0
    rate = float(total.set_index("etape").loc[step, "taux_passage"])
    if worst.strip().lower() == step:
        good += 1
        msgs.append(f"Oui : seuls {rate:.0%} des visiteurs arrivés à l'étape précédente atteignent « {step} »." if fr else
                    f"Yes: only {rate:.0%} of the visitors who reached the previous step get to '{step}'.")
    else:
        msgs.append(f"Non : comparez les taux de passage d'une étape à l'autre ; le plus faible est à l'étape « {step} » ({rate:.0%})." if fr else
                    f"No: compare pass-through rates from one step to the next; the lowest is at '{step}' ({rate:.0%}).")
    if device.strip().lower() == bad_device:
        good += 1
        msgs.append(f"Oui : sur {bad_device}, le passage à cette étape tombe à {at_step[bad_device]:.0%}. Testez le formulaire sur téléphone." if fr else
                    f"Yes: on {bad_device}, the pass-through at this step falls to {at_step[bad_device]:.0%}. Test the form on a phone.")
    else:
        msgs.append(f"Non : regardez la même étape par appareil ; c'est sur « {bad_device} » qu'elle perd le plus." if fr else
                    f"No: look at the same step by device; it leaks most on '{bad_device}'.")
    return show(CheckResult(good == 2, good / 2, msgs, {"worst": step, "device": bad_device}))
