"""Module 2.1.1 — find where visitors drop out of a donation funnel, from an analytics export.

The export is synthetic, in the style of a Matomo goal funnel: one row per visit with the
last step reached. The learner computes the funnel with pandas, charts it, and names the
step that loses the largest share of the visitors who reached the step before it.

The French export (analytics_dons_mars.csv: appareil, derniere_etape, steps accueil…) has an
English counterpart with the same visits (analytics_donations_march_en.csv: device, last_step,
steps home…), chosen by the notebook's language; the funnel table's columns follow the export.
"""

from __future__ import annotations

import pandas as pd

from .common import CheckResult, dataset_path, lang_of, show

STEPS_BY_LANG = {"fr": ["accueil", "page_don", "formulaire", "paiement", "confirmation"],
                 "en": ["home", "donate_page", "form", "payment", "confirmation"]}
STEPS = STEPS_BY_LANG["fr"]
LABELS = {"fr": ["Accueil", "Page « Faire un don »", "Formulaire", "Paiement", "Confirmation"],
          "en": ["Home", "'Donate' page", "Form", "Payment", "Confirmation"]}
DATASETS = {"fr": "course2_digital/analytics_dons_mars.csv", "en": "course2_digital/analytics_donations_march_en.csv"}
# Column names of the export and of the funnel table, per language.
COLUMNS = {"fr": {"device": "appareil", "last": "derniere_etape", "group": "groupe", "step": "etape",
                  "visitors": "visiteurs", "rate": "taux_passage", "lost": "perte"},
           "en": {"device": "device", "last": "last_step", "group": "group", "step": "step",
                  "visitors": "visitors", "rate": "pass_rate", "lost": "lost"}}


def load_visits(lang: str = "fr") -> pd.DataFrame:
    """One row per visit of the synthetic export, in the notebook's language."""
    return pd.read_csv(dataset_path(DATASETS[lang_of(lang)]), comment="#")


def _lang_of_frame(df: pd.DataFrame) -> str:
    return "en" if {COLUMNS["en"]["last"], COLUMNS["en"]["step"]} & set(df.columns) else "fr"


def funnel(visits: pd.DataFrame | None = None, by: str | None = None) -> pd.DataFrame:
    """Visitors reaching each step (a visit that reached step k also passed steps 0..k-1)."""
    visits = visits if visits is not None else load_visits()
    lang = _lang_of_frame(visits)
    c, steps = COLUMNS[lang], STEPS_BY_LANG[lang]
    by = c["device"] if by in ("appareil", "device") else by
    rank = visits[c["last"]].map({s: i for i, s in enumerate(steps)})
    if rank.isna().any():
        bad = visits.loc[rank.isna(), c["last"]].unique().tolist()
        raise ValueError(f"unknown step(s) in the export: {bad}; expected one of {steps}")
    groups = [("total", rank)] if by is None else [(g, rank[visits[by] == g]) for g in sorted(visits[by].unique())]
    rows = []
    for name, r in groups:
        reached = [int((r >= i).sum()) for i in range(len(steps))]
        for i, step in enumerate(steps):
            kept = reached[i] / reached[i - 1] if i and reached[i - 1] else 1.0
            rows.append({c["group"]: name, c["step"]: step, c["visitors"]: reached[i],
                         c["rate"]: round(kept, 3), c["lost"]: reached[i - 1] - reached[i] if i else 0})
    return pd.DataFrame(rows)


def worst_step(table: pd.DataFrame) -> str:
    """The step with the lowest pass-through rate from the step before it."""
    c = COLUMNS[_lang_of_frame(table)]
    rest = table[table[c["step"]] != table[c["step"]].iloc[0]]
    return rest.sort_values(c["rate"]).iloc[0][c["step"]]


def plot(visits: pd.DataFrame | None = None, lang: str = "fr"):
    import matplotlib.pyplot as plt
    visits = visits if visits is not None else load_visits(lang)
    c = COLUMNS[_lang_of_frame(visits)]
    table = funnel(visits, by=c["device"])
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for device, sub in table.groupby(c["group"]):
        ax.plot(LABELS[lang], sub[c["visitors"]].to_numpy(), marker="o", label=device)
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
    visits = visits if visits is not None else load_visits(lang)
    fr = lang == "fr"
    c = COLUMNS[_lang_of_frame(visits)]
    total = funnel(visits)
    step = worst_step(total)
    by_device = funnel(visits, by=c["device"])
    at_step = by_device[by_device[c["step"]] == step].set_index(c["group"])[c["rate"]]
    bad_device = at_step.idxmin()
    msgs, good = [], 0
    rate = float(total.set_index(c["step"]).loc[step, c["rate"]])
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
