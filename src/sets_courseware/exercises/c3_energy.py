"""Module 3.2.5 — energy and carbon of training vs predicting, measured offline with codecarbon.

codecarbon's offline tracker needs no network: the country is set (France) and it uses the
electricity carbon intensities it ships (data file global_energy_mix.json, year noted in
the file). Without a power sensor it estimates CPU power from the processor model, so the
figures are estimates: the lesson compares orders of magnitude, not decimals. If codecarbon
cannot run, the same formula is applied by hand (energy = power x time) and said so.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .common import CheckResult, show

COUNTRIES = ["FRA", "SWE", "ESP", "ITA", "DEU", "POL", "IRL", "USA"]
FALLBACK_CPU_WATTS = 15.0  # used only when codecarbon cannot estimate; stated in the output


@dataclass
class Measure:
    task: str
    seconds: float
    energy_kwh: float
    emissions_g: float
    method: str


@lru_cache(maxsize=1)
def energy_mix() -> dict:
    import codecarbon
    path = Path(codecarbon.__file__).parent / "data" / "private_infra" / "global_energy_mix.json"
    return json.loads(path.read_text(encoding="utf-8"))


def intensities(countries: list[str] = COUNTRIES) -> pd.DataFrame:
    """Carbon intensity of electricity (gCO2e/kWh) as bundled with codecarbon."""
    mix = energy_mix()
    rows = [{"pays": mix[c]["country_name"], "code": c, "gCO2e/kWh": round(mix[c]["carbon_intensity"], 1),
             "année": mix[c].get("year")} for c in countries if c in mix]
    return pd.DataFrame(rows).sort_values("gCO2e/kWh").reset_index(drop=True)


def measure(task: str, fn, country: str = "FRA") -> Measure:
    """Run fn() under codecarbon's offline tracker; fall back to a stated formula if it fails."""
    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    started = time.perf_counter()
    try:
        from codecarbon import OfflineEmissionsTracker
        tracker = OfflineEmissionsTracker(country_iso_code=country, save_to_file=False, log_level="error",
                                          measure_power_secs=1, tracking_mode="process")
        tracker.start()
        try:
            fn()
        finally:
            emissions_kg = tracker.stop()
        data = tracker.final_emissions_data
        return Measure(task, time.perf_counter() - started, float(data.energy_consumed), 1000 * float(emissions_kg),
                       "codecarbon (offline)")
    except Exception:  # codecarbon unusable here: same formula by hand, and say so
        if time.perf_counter() - started < 0.01:
            fn()
        seconds = time.perf_counter() - started
        kwh = FALLBACK_CPU_WATTS * seconds / 3.6e6
        return Measure(task, seconds, kwh, kwh * energy_mix()[country]["carbon_intensity"],
                       f"formula: {FALLBACK_CPU_WATTS:.0f} W x time")


def train_vs_predict(n_rows: int = 8000, n_predictions: int = 100):
    """Train a random forest on synthetic data, then predict single cases: two measures."""
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    X, y = make_classification(n_samples=n_rows, n_features=20, random_state=0)
    model = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)
    train = measure("entraînement", lambda: model.fit(X, y))
    predict = measure("prédiction", lambda: [model.predict(X[i:i + 1]) for i in range(n_predictions)])
    return train, predict


def facility_emissions_g(it_energy_kwh: float, pue: float, country: str) -> float:
    """Emissions of a workload in a data centre: IT energy x PUE x carbon intensity of the grid."""
    return it_energy_kwh * pue * energy_mix()[country]["carbon_intensity"]


def check_estimate(answer_g: float, it_energy_kwh: float = 120.0, pue: float = 1.5, country: str = "POL",
                   lang: str = "fr") -> CheckResult:
    """The learner computes by hand the emissions of a training run of `it_energy_kwh` kWh."""
    expected = facility_emissions_g(it_energy_kwh, pue, country)
    ok = abs(answer_g - expected) <= 0.02 * expected
    fr = lang == "fr"
    intensity = energy_mix()[country]["carbon_intensity"]
    msg = (f"Attendu : {it_energy_kwh} kWh × PUE {pue} × {intensity:.0f} g/kWh = {expected / 1000:.1f} kg CO2e." if fr else
           f"Expected: {it_energy_kwh} kWh × PUE {pue} × {intensity:.0f} g/kWh = {expected / 1000:.1f} kg CO2e.")
    verdict = ("Juste." if ok else "Pas tout à fait : multipliez l'énergie informatique par le PUE puis par l'intensité carbone.") if fr \
        else ("Right." if ok else "Not quite: multiply the IT energy by the PUE, then by the carbon intensity.")
    return show(CheckResult(ok, 1.0 if ok else 0.0, [verdict, msg], {"expected_g": expected}))


def plot_intensities(lang: str = "fr"):
    import matplotlib.pyplot as plt
    table = intensities()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.barh(table["pays"], table["gCO2e/kWh"], color="#1f5f8b")
    ax.set_xlabel("gCO2e/kWh")
    ax.set_title("Intensité carbone de l'électricité (données codecarbon)" if lang == "fr"
                 else "Carbon intensity of electricity (codecarbon data)")
    fig.tight_layout()
    plt.show()
    plt.close(fig)
