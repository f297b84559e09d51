"""Legal-forms decision helper (module 1.3): ranking, and case checker with right and wrong answers."""

import pytest

from sets_courseware.exercises import c1_legal_forms as lf


def test_grid_has_the_six_forms():
    assert set(lf.forms().code) == {"association", "scop", "scic", "fonds_dotation", "fondation_rup", "sas_esus"}


@pytest.mark.parametrize("case", list(lf.CASES))
def test_expected_answer_ranks_first(case):
    ranking = lf.recommend(lf.CASES[case]["criteria"], top=0)
    assert ranking.iloc[0]["code"] == lf.CASES[case]["answer"]
    assert ranking.iloc[0]["score"] > ranking.iloc[1]["score"]


def test_free_profit_sharing_is_flagged():
    table = lf.recommend({"partage_benefices": "libre"}, lang="en", top=0)
    assert (table.score == 0).all()
    assert "outside the ESS" in table.iloc[0]["watch points"]


def test_unknown_criterion_rejected():
    with pytest.raises(ValueError):
        lf.recommend({"taille": "grande"})


def test_check_cases_right():
    result = lf.check_cases({"cas1": "SCOP", "cas2": "scic", "cas3": "Fonds de dotation"}, display=False)
    assert result.ok and result.score == 1


def test_check_cases_wrong_gives_feedback():
    result = lf.check_cases({"cas1": "association", "cas2": "scic", "cas3": "fondation_rup"}, lang="en", display=False)
    assert not result.ok
    assert result.score == pytest.approx(1 / 3)
    assert any("governance" in m for m in result.messages)


def test_check_cases_missing_and_unknown():
    result = lf.check_cases({"cas1": "", "cas2": "GIE"}, display=False)
    assert not result.ok and result.score == 0
    assert any("pas encore" in m for m in result.messages)
    assert any("n'est pas une forme" in m for m in result.messages)


def test_english_grid_has_english_columns_and_codes():
    from sets_courseware.exercises import c1_legal_forms as forms_module
    grid = forms_module.forms("en")
    assert {"code", "form", "reference_text", "profit_sharing", "governance", "membership", "creation"} <= set(grid.columns)
    assert {"endowment_fund", "public_utility_foundation"} <= set(grid["code"])
    assert set(grid["profit_sharing"]) == {"none", "limited"}
    assert not grid["creation"].str.contains("déclaration|immatriculation").any()


def test_english_criteria_give_the_same_ranking_as_french_ones():
    from sets_courseware.exercises import c1_legal_forms as forms_module
    fr = forms_module.recommend({"partage_benefices": "aucun", "gouvernance": "un_membre_une_voix",
                                 "dons_defiscalises": True, "collectif_de_membres": True}, lang="fr", top=0)
    en = forms_module.recommend({"profit_sharing": "none", "governance": "one_member_one_vote",
                                 "tax_deductible_gifts": True, "membership": True}, lang="en", top=0)
    assert list(fr["score"]) == list(en["score"])
    assert list(en["code"])[0] == "association" and "watch points" in en.columns
    import pytest
    with pytest.raises(ValueError, match="profit_sharing"):
        forms_module.recommend({"profit": "none"}, lang="en")


def test_english_cases_right_and_wrong():
    from sets_courseware.exercises import c1_legal_forms as forms_module
    right = forms_module.check_cases({"case1": "scop", "case2": "scic", "case3": "endowment_fund"}, lang="en",
                                     display=False)
    assert right.ok and right.messages[0].startswith("case1: correct")
    wrong = forms_module.check_cases({"case1": "association", "case2": "scic", "case3": "public_utility_foundation"},
                                     lang="en", display=False)
    assert not wrong.ok and wrong.details["correct"] == 1
