"""Energy exercise: offline measures, bundled intensities, and the hand calculation checker."""

import pytest

from sets_courseware.exercises import c3_energy as e


def test_intensities_come_from_codecarbon_data():
    table = e.intensities()
    fr = table.set_index("code").loc["FRA", "gCO2e/kWh"]
    pl = table.set_index("code").loc["POL", "gCO2e/kWh"]
    assert 0 < fr < pl  # a nuclear and hydro mix vs a coal-heavy one


def test_training_costs_more_than_predicting():
    train, predict = e.train_vs_predict(n_rows=4000, n_predictions=20)
    assert train.energy_kwh > 0 and predict.energy_kwh > 0
    assert train.energy_kwh > predict.energy_kwh
    assert train.method in ("codecarbon (offline)", f"formula: {e.FALLBACK_CPU_WATTS:.0f} W x time")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_estimate_right_and_wrong(lang):
    expected = e.facility_emissions_g(120, 1.5, "POL")
    assert e.check_estimate(expected, lang=lang).ok
    assert not e.check_estimate(120 * 1.5, lang=lang).ok
