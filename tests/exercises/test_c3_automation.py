"""Automation: e-mail triage with human review, OCR of scanned letters, sentiment of feedback."""

import math

import pytest

from sets_courseware.exercises import c3_automation as a


def test_triage_learns_and_routes():
    t = a.train()
    assert len(a.load_emails()) >= 200
    assert t.accuracy > 0.75
    assert set(t.test["categorie"]) == set(a.CATEGORIES)
    table = a.scores("en")
    assert list(table.columns) == ["category", "precision", "recall", "F1", "test messages"]
    assert a.confusion("fr").values.sum() == len(t.test)
    routed = a.classify(["Je voudrais devenir bénévole le samedi matin pour la distribution alimentaire."],
                        threshold=0.0, lang="en")
    assert routed["team"].iloc[0] == a.TEAMS["en"]["benevolat"]
    assert a.classify("Bonjour", threshold=1.0, lang="fr")["équipe"].iloc[0] == a.TEAMS["fr"][None]


def test_threshold_effect_is_monotonic():
    low, high = a.threshold_effect(0.0), a.threshold_effect(0.99)
    assert low["auto_share"] == 1.0 and high["human_share"] >= low["human_share"]


def test_check_threshold_right_and_wrong():
    grid = [round(x / 100, 2) for x in range(5, 100, 5)]
    good = [x for x in grid if a.threshold_effect(x)["auto_accuracy"] >= a.TARGET_ACCURACY
            and a.threshold_effect(x)["human_share"] <= a.MAX_HUMAN_SHARE]
    assert good, "some threshold must meet both goals"
    assert a.check_threshold(good[0], lang="en").ok
    too_low = a.check_threshold(0.0)
    assert not too_low.ok and too_low.score == 0.5
    assert not a.check_threshold(0.99).ok
    assert not a.check_threshold("abc").ok


def test_check_confusion_right_and_wrong():
    (c1, c2), count = a.most_confused_pair()
    assert count > 0
    assert a.check_confusion(c2, c1, lang="en").ok
    assert a.check_confusion(a.CATEGORY_NAMES["fr"][c1], a.CATEGORY_NAMES["fr"][c2]).ok
    others = [c for c in a.CATEGORIES if c not in (c1, c2)]
    wrong = [(x, y) for i, x in enumerate(others) for y in others[i + 1:]]
    assert any(not a.check_confusion(x, y).ok for x, y in wrong)
    assert not a.check_confusion("n'importe quoi", c1).ok


def test_char_accuracy():
    assert a.char_accuracy("bonjour  le\nmonde", "bonjour le monde") == 1.0
    assert math.isclose(a.char_accuracy("abcd", "abxd"), 0.75)
    assert a.char_accuracy("abc", "") == 0.0


def test_render_letter(tmp_path):
    from PIL import Image
    p = a.render_letter("Bonjour,\nceci est un essai.", tmp_path / "x.png", seed=3, wear=1.0)
    with Image.open(p) as img:
        assert img.mode == "L" and img.width == 900


@pytest.mark.skipif(not a.tesseract_ready(), reason="the tesseract binary is missing (Debian: tesseract-ocr tesseract-ocr-fra)")
def test_ocr_letters():
    df = a.ocr_letters(lang="en")
    assert len(df) == len(a.load_letters()) == 4
    assert (df["character accuracy"] > 0.85).all()
    assert (df["true category"] == df["predicted category"]).sum() >= 3


def test_missing_tesseract_gives_install_hint(monkeypatch):
    from sets_courseware.errors import SetsError
    monkeypatch.setattr(a.shutil, "which", lambda name: None)
    a.ocr.cache_clear()
    with pytest.raises(SetsError, match="tesseract-ocr-fra"):
        a.ocr("lettre_1")
    a.ocr.cache_clear()


def test_sentiment_and_checker():
    by = a.sentiment_by_service("en")
    assert list(by.columns) == ["comments", "positive share (labels)", "positive share (model)"]
    assert by["comments"].sum() == len(a.load_feedback())
    assert 0.6 < a.sentiment_accuracy() <= 1.0
    assert len(a.irony_table("en")) >= 4
    worst = by["positive share (model)"].idxmin()
    best = by["positive share (model)"].idxmax()
    assert a.check_sentiment(worst, False, lang="en").ok
    wrong = a.check_sentiment(best, True)
    assert not wrong.ok and wrong.score == 0
