"""Bias audit: the plain model is unfair without seeing gender; mitigation narrows the gap at a cost."""

import pytest

from sets_courseware.exercises import c3_bias as b


def test_audit_and_mitigation_tradeoff():
    results = b.run()
    plain, fixed = results["plain"], results["mitigated"]
    assert "gender" not in b.FEATURES
    assert plain.by_group.loc["F", "selection_rate"] < plain.by_group.loc["M", "selection_rate"]
    assert plain.dp_difference > 0.1
    assert fixed.dp_difference < plain.dp_difference / 2
    assert fixed.accuracy <= plain.accuracy + 0.02
    table = b.tradeoff_table(results, "en")
    assert list(table.columns) == ["model", "accuracy", "demographic parity difference"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_checker_right_and_wrong(lang):
    results = b.run()
    right = b.check_audit("F", False, results, lang=lang)
    assert right.ok
    wrong = b.check_audit("M", True, results, lang=lang)
    assert not wrong.ok and wrong.score == 0
    assert right.messages != b.check_audit("F", False, results, lang="en" if lang == "fr" else "fr").messages
