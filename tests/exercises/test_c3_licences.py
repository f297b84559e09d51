"""Licence helper: verdicts follow the licence texts; the 5-case checker scores right and wrong answers."""
from sets_courseware.exercises import c3_licences as L


def v(licence, use):
    return L.assess(licence, use, display=False).verdict


def test_table_lists_the_licences():
    codes = L.licence_codes()
    for code in ["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0", "Etalab-2.0",
                 "ODbL-1.0", "Apache-2.0", "MIT", "poids-ouverts-restreint", "tous-droits-reserves", "image-ia"]:
        assert code in codes
    table = L.licence_table("en")
    assert len(table) == len(codes) and "share-alike" in table.columns
    matrix = L.verdict_matrix("fr")
    assert matrix.shape == (len(codes), len(L.USES))


def test_creative_commons_rules():
    assert all(v("CC0-1.0", u) == L.ALLOWED for u in L.USES)
    assert all(v("CC-BY-4.0", u) == L.CONDITIONS for u in L.USES)
    assert v("CC-BY-ND-4.0", "affiche_modifiee") == L.NOT_ALLOWED
    assert v("CC-BY-ND-4.0", "republier_modifie") == L.NOT_ALLOWED
    assert v("CC-BY-ND-4.0", "formation_payante") == L.CONDITIONS      # commercial use of the unmodified work is fine
    assert v("CC-BY-NC-4.0", "newsletter") == L.CONDITIONS
    assert v("CC-BY-NC-4.0", "formation_payante") == L.GREY
    assert v("CC-BY-NC-4.0", "collecte_dons") == L.GREY
    sa = L.assess("CC BY-SA 4.0", "affiche_modifiee", lang="en", display=False)
    assert sa.verdict == L.CONDITIONS and any("same licence" in c for c in sa.conditions)


def test_other_licences():
    assert all(v("tous-droits-reserves", u) == L.NOT_ALLOWED for u in L.USES)
    assert all(v("image-ia", u) == L.GREY for u in L.USES)
    assert v("Etalab-2.0", "republier_modifie") == L.CONDITIONS
    odbl = L.assess("ODbL", "republier_modifie", display=False)
    assert odbl.verdict == L.CONDITIONS and any("ODbL" in c for c in odbl.conditions)
    assert v("Apache-2.0", "formation_payante") == L.CONDITIONS and v("MIT", "collecte_dons") == L.CONDITIONS


def test_unknown_inputs_do_not_raise():
    assert L.assess("licence inventée", "newsletter", display=False).verdict == L.UNKNOWN
    assert L.assess("MIT", "usage inconnu", lang="en", display=False).verdict == L.UNKNOWN


def test_check_cases_right_and_wrong():
    expected = L.expected_answers()
    assert expected == {1: L.GREY, 2: L.NOT_ALLOWED, 3: L.CONDITIONS, 4: L.ALLOWED, 5: L.CONDITIONS}
    right = L.check_cases({1: "zone grise", 2: "non autorisé", 3: "sous conditions", 4: "autorisé", 5: "conditions"})
    assert right.ok and right.score == 1.0
    right_en = L.check_cases({"1": "grey zone", "2": "not allowed", "3": "with conditions", "4": "allowed",
                              "5": "with conditions"}, lang="en")
    assert right_en.ok
    wrong = L.check_cases({1: "autorisé", 2: "sous conditions", 3: "non autorisé", 4: "zone grise", 5: "?"})
    assert not wrong.ok and wrong.score == 0
    partial = L.check_cases({1: "zone grise", 2: "non autorisé"})
    assert not partial.ok and partial.score == 0.4
    assert "conseil juridique" in partial.messages[-1]
    assert L.check_cases(None).score == 0


def test_english_table_names_and_codes_are_english():
    import re
    table = L.licence_table("en")
    assert list(table.columns)[:2] == ["code", "name"]
    assert {"open-weights-restricted", "all-rights-reserved", "ai-image"} <= set(table["code"])
    assert not table["name"].str.contains(r"dédicace|droits|Partage|Pas d'|générée", regex=True).any()
    assert set(L.verdict_matrix("en").index) == set(table["code"])
    french_words = re.compile(r"poids|droits|image-ia")
    assert not any(french_words.search(c) for c in L.verdict_matrix("en").index)


def test_english_codes_are_accepted_and_shown():
    a = L.assess("all-rights-reserved", "newsletter", lang="en", display=False)
    assert a.licence == "tous-droits-reserves" and a.verdict == L.NOT_ALLOWED
    assert str(a).startswith("all-rights-reserved / newsletter") and "all-rights-reserved" in a._repr_html_()
    assert L.assess("tous-droits-reserves", "newsletter", lang="fr", display=False).verdict == L.NOT_ALLOWED
    unknown = L.assess("xyz", "newsletter", lang="en", display=False)
    assert "open-weights-restricted" in unknown.reason and "poids" not in unknown.reason
