"""Campaign exercise: indicators are computed right; a sound budget split passes, poor ones fail."""

import math

import pytest

from sets_courseware.exercises import c2_campaigns as cp

GOOD = {"video_temoignage": 300, "evenement_local": 150, "carrousel_instagram": 50}


def test_metrics_match_hand_calculation():
    m = cp.compute_metrics()
    row = m.loc["video_temoignage"]
    assert row["ctr_pct"] == pytest.approx(100 * 610 / 42000, abs=0.01)
    assert row["cpc_eur"] == pytest.approx(180 / 610, abs=0.01)
    assert row["conversion_pct"] == pytest.approx(100 * 24 / 610, abs=0.01)
    assert row["cout_par_inscription_eur"] == pytest.approx(7.5)
    assert math.isinf(m.loc["story_instagram", "cout_par_inscription_eur"])


def test_best_split_respects_caps():
    split = cp.best_split(500)
    assert split["video_temoignage"] == 300 and split["evenement_local"] == 200
    assert cp.expected_signups(split) == pytest.approx(60)


def test_sound_split_passes_in_both_languages():
    assert cp.check_budget(GOOD, lang="fr", display=False).ok
    res = cp.check_budget(GOOD, lang="en", display=False)
    assert res.ok and res.score == 1.0 and res.details["expected_signups"] == pytest.approx(57, abs=0.1)


def test_equal_split_fails_on_efficiency_and_zero_signup_campaign():
    res = cp.check_budget({c: 100 for c in cp.compute_metrics().index}, lang="en", display=False)
    assert not res.ok
    assert not res.details["rules"]["efficiency"] and not res.details["rules"]["no_signup"]
    assert any("story_instagram" in m and "no sign-up" in m for m in res.messages)


def test_min_share_max_share_and_total_rules():
    res = cp.check_budget({"video_temoignage": 470, "evenement_local": 30}, lang="fr", display=False)
    assert not res.ok
    assert not res.details["rules"]["min_share"] and not res.details["rules"]["max_share"]
    res = cp.check_budget({"video_temoignage": 300, "evenement_local": 100}, display=False)
    assert not res.details["rules"]["total"]


def test_unknown_campaign_is_reported():
    res = cp.check_budget({**GOOD, "tiktok": 0}, lang="en", display=False)
    assert not res.ok and any("Unknown campaign" in m for m in res.messages)


def test_plot_returns_metrics(monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    m = cp.plot_metrics(lang="en")
    assert list(m.index)[0] == "video_temoignage"
