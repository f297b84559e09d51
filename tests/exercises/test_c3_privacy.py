"""Privacy exercise: detection scores are measured, gaps are real, checkers tell right from wrong."""

import math

import pytest

from sets_courseware.exercises import c3_privacy as p


def test_scores_show_what_is_missed():
    scores = p.evaluate()
    assert scores.per_type["EMAIL"]["recall"] == 1.0
    assert scores.per_type["IBAN"]["recall"] == 1.0
    assert scores.per_type["BIRTHDATE"]["recall"] == 0.0  # no pattern for it yet: the lesson's point
    assert ("PER", "karim") in scores.missed
    assert all(0 <= v["precision"] <= 1 for v in scores.per_type.values() if not math.isnan(v["precision"]))


def test_pseudonymisation_is_stable_and_reversible_with_the_table():
    text = p.load_notes()[3]["text"]
    out1, table = p.pseudonymise(text, "secret")
    out2, _ = p.pseudonymise(text, "secret")
    out3, _ = p.pseudonymise(text, "autre")
    assert out1 == out2 and out1 != out3
    assert "Karim Haddad" not in out1 and "FR76" not in out1
    assert any("Karim Haddad" in v for v in table.values())  # whoever holds the table re-identifies: still personal data


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_answers_right_and_wrong(lang):
    assert p.check_answers("BIRTHDATE", True, lang=lang).ok
    wrong = p.check_answers("EMAIL", False, lang=lang)
    assert not wrong.ok and wrong.score == 0


def test_check_pattern_right_wrong_and_invalid():
    assert p.check_pattern("BIRTHDATE", r"\b\d{2}/\d{2}/\d{4}\b").ok
    assert not p.check_pattern("BIRTHDATE", r"\b\d{4}\b").ok
    bad = p.check_pattern("ADDRESS", r"(rue")
    assert not bad.ok and "invalide" in bad.messages[0]
