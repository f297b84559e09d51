"""Tests for the module 1.1.1 exercise: ESS families under the 2014 law."""
from sets_courseware.exercises import c1_ess_families as fam


def test_dataset_has_twelve_items_with_known_families():
    df = fam.load_organisations()
    assert len(df) == 12
    assert set(df["famille"]) <= set(fam.FAMILIES)
    assert df["ess"].any() and (~df["ess"]).any()


def test_reference_answers_pass():
    r = fam.check_families(fam.reference_answers(), display=False)
    assert r.ok and r.score == 1.0 and not r.details["wrong"]


def test_english_labels_and_yes_no_are_accepted():
    answers = {k: ({"societe_commerciale": "commercial company", "individuelle": "sole trader",
                    "mutuelle": "Mutual", "fondation": "foundation"}.get(f, f), "yes" if e else "no")
               for k, (f, e) in fam.reference_answers().items()}
    r = fam.check_families(answers, lang="en", display=False)
    assert r.ok, r.messages


def test_wrong_answers_are_flagged_per_item():
    answers = fam.reference_answers()
    answers["O7"] = ("societe_commerciale", True)     # société à mission taken for ESS
    answers["O8"] = ("association", True)              # CCAS taken for an association
    answers["O2"] = ("mutuelle", True)                 # wrong family only
    r = fam.check_families(answers, display=False)
    assert not r.ok
    assert set(r.details["wrong"]) == {"O2", "O7", "O8"}
    assert r.score == 9 / 12
    assert any("O7" in m and "n'appartient pas" in m for m in r.messages)


def test_missing_and_unknown_answers():
    r = fam.check_families(fam.empty_answers(), lang="en", display=False)
    assert not r.ok and len(r.details["missing"]) == 12 and r.score == 0
    answers = fam.reference_answers()
    answers["O1"] = ("club", True)
    answers["O3"] = ("cooperative", "maybe")
    r = fam.check_families(answers, display=False)
    assert set(r.details["wrong"]) == {"O1", "O3"}


def test_learner_tables():
    assert list(fam.organisations("en").columns) == ["organisation", "description"]
    assert "famille" not in fam.organisations("fr").columns
    assert len(fam.family_codes("fr")) == len(fam.FAMILIES)


def test_english_family_codes_are_shown_and_accepted():
    from sets_courseware.exercises import c1_ess_families as families_module
    codes = families_module.family_codes(lang="en")
    assert {"mutual", "foundation", "commercial_company", "public_body", "sole_trader"} <= set(codes.index)
    assert all(families_module.normalise_family(code) for code in codes.index)
