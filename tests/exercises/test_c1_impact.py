"""Impact chain and SROI exercise (module 1.4): right and wrong answers, and the SROI arithmetic."""

import matplotlib

matplotlib.use("Agg")

import pytest

from sets_courseware.exercises import c1_impact as ci


def test_chain_right_answer_in_french_and_english_labels():
    answer = {k: v[0] for k, v in ci.CHAIN_ITEMS.items()}
    assert ci.check_chain(answer, display=False).ok
    english = {"ressources": "inputs", "activites": "activities", "realisations": "outputs",
               "effets": "outcomes", "impact": "impact"}
    assert ci.check_chain({k: english[v] for k, v in answer.items()}, lang="en", display=False).ok


def test_chain_wrong_answer_names_misplaced_items():
    answer = {k: v[0] for k, v in ci.CHAIN_ITEMS.items()}
    answer["G"] = "effets"      # an output taken for an outcome: the classic mistake
    answer["L"] = "effets"
    del answer["A"]
    result = ci.check_chain(answer, display=False)
    assert not result.ok
    assert result.details["wrong"] == ["G", "L"] and result.details["missing"] == ["A"]
    assert result.score == pytest.approx(9 / 12)


def test_sroi_arithmetic():
    table = ci.sroi_table().set_index("resultat")
    row = table.loc["Emploi durable après la sortie"]
    assert row.impact_net_an1_eur == pytest.approx(14 * 9000 * 0.75 * 0.80)
    # three years, 30 % drop-off, 3.5 % discount
    y1 = 14 * 9000 * 0.75 * 0.80
    expected = y1 / 1.035 + y1 * 0.7 / 1.035 ** 2 + y1 * 0.49 / 1.035 ** 3
    assert row.valeur_actualisee_eur == pytest.approx(expected, abs=1)
    assert ci.total_inputs() == 400000


def test_check_sroi_right_and_wrong():
    ref = ci.reference_answers()
    assert ref["taux_sorties_positives"] == pytest.approx(75.0)
    assert ci.check_sroi({"taux_sorties_positives": "75 %", "impact_net_an1_emploi": 75600, "ratio_sroi": 0.78},
                         display=False).ok
    wrong = ci.check_sroi({"taux_sorties_positives": 58.3,       # 14/24: forgot training exits
                           "impact_net_an1_emploi": 126000,      # gross value, no deadweight/attribution
                           "ratio_sroi": 0.78}, lang="en", display=False)
    assert not wrong.ok and wrong.score == pytest.approx(1 / 3)
    assert ci.check_sroi({}, display=False).score == 0


def test_sensitivity_and_plot():
    table = ci.sensitivity(lang="en")
    ratios = table["SROI ratio"].tolist()
    assert ratios[0] == pytest.approx(0.78, abs=0.01)
    assert all(r < ratios[0] for r in ratios[1:])
    assert len(ci.plot_sroi(lang="en")) == 6


def test_english_sroi_table_and_answer_keys():
    from sets_courseware.exercises import c1_impact as impact
    table = impact.sroi_table(lang="en")
    assert list(table.columns) == ["outcome", "stakeholder", "quantity", "financial_proxy_eur", "gross_value_eur",
                                   "net_impact_year1_eur", "duration_years", "present_value_eur"]
    assert "Lasting employment after leaving" in set(table["outcome"])
    assert table["present_value_eur"].sum() == impact.sroi_table()["valeur_actualisee_eur"].sum()
    ref = impact.reference_answers()
    right = impact.check_sroi({"positive_exit_rate": ref["taux_sorties_positives"],
                               "net_impact_year1_employment": ref["impact_net_an1_emploi"],
                               "sroi_ratio": ref["ratio_sroi"]}, lang="en", display=False)
    assert right.ok and right.messages[0].startswith("Positive exit rate: correct")
    wrong = impact.check_sroi({"positive_exit_rate": 50, "sroi_ratio": 2}, lang="en", display=False)
    assert not wrong.ok and wrong.score == 0
    assert any("present_value_eur" in m for m in wrong.messages)
