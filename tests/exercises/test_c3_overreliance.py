"""Over-reliance exercise: a triage model that is right most of the time but confidently wrong on some requests."""
import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from sets_courseware.exercises import c3_overreliance as o  # noqa: E402


@pytest.fixture(scope="module", params=["fr", "en"])
def triage(request):
    return o.train(lang=request.param)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dataset_is_synthetic_and_sized(lang):
    df = o.load_requests(lang)
    assert 300 <= len(df) <= 600
    assert set(df[o.LABEL]) == {o.URGENT, o.NON_URGENT}
    assert {"indirecte", "alarmiste", "standard"} <= set(df["formulation"])
    header = o.dataset_path(o.DATA if lang == "fr" else o.DATA_EN).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("#") and "SYNTHETIC" in header


def test_model_is_accurate_but_confidently_wrong(triage):
    assert triage.accuracy >= 0.9
    errors = triage.test[triage.test["erreur"]]
    assert (errors["confiance"] >= 0.9).sum() >= 3          # confident errors exist
    missed = errors[errors[o.LABEL] == o.URGENT]
    assert (missed["formulation"] == "indirecte").sum() >= 3  # understated urgent requests are missed
    top = o.confident_errors(triage, n=5, lang="en")
    if triage.lang == "fr":     # French messages read with English labels get an English gloss
        assert len(top) == 5 and list(top.columns)[:2] == ["message", "English gloss"]
        assert "—" not in set(top["English gloss"])
    else:
        assert len(top) == 5 and "English gloss" not in top.columns
        assert top.iloc[:, 0].str.contains(r"\b(?:I|the|my)\b").all()


def test_sweep_is_a_tradeoff(triage):
    s = o.sweep(triage)
    assert s["threshold"].min() == 0.5 and s["threshold"].max() == 0.99
    assert s["review_share"].is_monotonic_increasing
    assert s["auto_errors"].is_monotonic_decreasing
    assert s.iloc[0]["review_share"] == 0 and s.iloc[0]["missed_urgent"] > 2
    table = o.tradeoff_table(triage, lang="en")
    assert list(table.columns) == ["threshold", "share reviewed", "requests reviewed", "automatic errors",
                                   "urgent cases missed", "false alarms"]
    o.plot_tradeoff(triage, 0.9, 0.3, 2, lang=triage.lang)


def test_check_threshold_right_and_wrong(triage):
    window = o.feasible_thresholds(triage, 0.30, 2)
    assert window, "the default goal must be reachable"
    good = o.check_threshold(window[len(window) // 2], triage=triage, lang="en")
    assert good.ok and good.score == 1.0
    assert good.details["missed_urgent"] <= 2 and good.details["review_share"] <= 0.30
    too_low = o.check_threshold(0.8, triage=triage)
    assert not too_low.ok and not too_low.details["missed_ok"] and too_low.details["review_ok"]
    too_high = o.check_threshold(0.99, triage=triage)
    assert not too_high.ok and too_high.details["missed_ok"] and not too_high.details["review_ok"]
    impossible = o.check_threshold(0.9, max_review_share=0.05, max_missed_urgent=0, triage=triage)
    assert not impossible.ok and impossible.details["window"] == []


def test_check_threshold_bad_input_does_not_raise(triage):
    assert not o.check_threshold("abc", triage=triage).ok
    assert not o.check_threshold(None, triage=triage, lang="en").ok
    assert not o.check_threshold(1.5, triage=triage).ok
    assert o.check_threshold(0.3, triage=triage).details["n_review"] == 0


def test_english_requests_match_the_french_ones():
    fr, en = o.load_requests("fr"), o.load_requests("en")
    assert (fr["id"] == en["id"]).all()
    for column in (o.LABEL, "formulation"):
        assert (fr[column] == en[column]).all()
    raw = o.pd.read_csv(o.dataset_path(o.DATA_EN), comment="#")
    assert list(raw.columns) == ["id", "channel", "message", "urgency", "category", "phrasing"]
    assert not raw["message"].str.contains(r"\b(?:je|nous|bonjour|merci)\b", case=False).any()
