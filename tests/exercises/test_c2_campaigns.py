"""Campaign exercise: indicators are computed right; a sound budget split passes, poor ones fail (French and English exports)."""

import math

import pytest

from sets_courseware.exercises import c2_campaigns as cp

LANGS = ["fr", "en"]
IDS = {"fr": {"video": "video_temoignage", "event": "evenement_local", "carousel": "carrousel_instagram",
              "story": "story_instagram"},
       "en": {"video": "testimony_video", "event": "local_event", "carousel": "instagram_carousel",
              "story": "instagram_story"}}


def good(lang):
    i = IDS[lang]
    return {i["video"]: 300, i["event"]: 150, i["carousel"]: 50}


@pytest.mark.parametrize("lang", LANGS)
def test_metrics_match_hand_calculation(lang):
    m = cp.compute_metrics(lang=lang)
    cps = cp.COLUMNS[lang]["cps"]
    row = m.loc[IDS[lang]["video"]]
    assert row["ctr_pct"] == pytest.approx(100 * 610 / 42000, abs=0.01)
    assert row["cpc_eur"] == pytest.approx(180 / 610, abs=0.01)
    assert row["conversion_pct"] == pytest.approx(100 * 24 / 610, abs=0.01)
    assert row[cps] == pytest.approx(7.5)
    assert math.isinf(m.loc[IDS[lang]["story"], cps])


def test_english_export_has_english_columns_and_the_same_figures():
    en, fr = cp.load_export("en"), cp.load_export("fr")
    assert list(en.columns) == ["campaign", "platform", "objective", "impressions", "reach", "clicks", "spend_eur",
                                "signups"]
    assert (en.iloc[:, 3:].to_numpy() == fr.iloc[:, 3:].to_numpy()).all()
    m = cp.compute_metrics(lang="en")
    assert {"platform", "cost_per_signup_eur", "frequency"} <= set(m.columns) and m.index.name == "campaign"


@pytest.mark.parametrize("lang", LANGS)
def test_best_split_respects_caps(lang):
    split = cp.best_split(500, lang=lang)
    assert split[IDS[lang]["video"]] == 300 and split[IDS[lang]["event"]] == 200
    assert cp.expected_signups(split, lang=lang) == pytest.approx(60)


@pytest.mark.parametrize("lang", LANGS)
def test_sound_split_passes(lang):
    res = cp.check_budget(good(lang), lang=lang, display=False)
    assert res.ok and res.score == 1.0 and res.details["expected_signups"] == pytest.approx(57, abs=0.1)


@pytest.mark.parametrize("lang", LANGS)
def test_equal_split_fails_on_efficiency_and_zero_signup_campaign(lang):
    res = cp.check_budget({c: 100 for c in cp.compute_metrics(lang=lang).index}, lang=lang, display=False)
    assert not res.ok
    assert not res.details["rules"]["efficiency"] and not res.details["rules"]["no_signup"]
    no_signup = "no sign-up" if lang == "en" else "aucune inscription"
    assert any(IDS[lang]["story"] in m and no_signup in m for m in res.messages)


@pytest.mark.parametrize("lang", LANGS)
def test_min_share_max_share_and_total_rules(lang):
    i = IDS[lang]
    res = cp.check_budget({i["video"]: 470, i["event"]: 30}, lang=lang, display=False)
    assert not res.ok
    assert not res.details["rules"]["min_share"] and not res.details["rules"]["max_share"]
    res = cp.check_budget({i["video"]: 300, i["event"]: 100}, lang=lang, display=False)
    assert not res.details["rules"]["total"]


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_campaign_is_reported(lang):
    res = cp.check_budget({**good(lang), "tiktok": 0}, lang=lang, display=False)
    assert not res.ok and any(("Unknown campaign" if lang == "en" else "Campagne inconnue") in m for m in res.messages)


def test_french_ids_in_the_english_notebook_are_reported_with_the_right_names():
    res = cp.check_budget(good("fr"), lang="en", display=False)
    assert not res.ok and any("testimony_video" in m for m in res.messages)


@pytest.mark.parametrize("lang", LANGS)
def test_plot_returns_metrics(lang):
    import matplotlib
    matplotlib.use("Agg")
    m = cp.plot_metrics(lang=lang)
    assert list(m.index)[0] == IDS[lang]["video"]
