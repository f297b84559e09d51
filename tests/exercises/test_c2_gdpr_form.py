"""GDPR form exercise: the audit feedback is right or wrong per rule; a fixed form passes every rule."""

from sets_courseware.exercises import c2_gdpr_form as gf

RIGHT = {"minimisation": False, "donnees_sensibles": False, "case_pre_cochee": False,
         "consentement_distinct": False, "information": False, "conservation": True, "retrait": True,
         "base_legale": "consentement"}


def fixed_form():
    form = gf.load_form()
    form["champs"] = [{"nom": "email", "libelle": "Adresse e-mail", "obligatoire": True},
                      {"nom": "prenom", "libelle": "Prénom", "obligatoire": False}]
    form["cases"] = [{"texte": "Je souhaite recevoir la lettre", "pre_cochee": False, "objets": ["newsletter"]},
                     {"texte": "J'accepte que mes données soient transmises aux partenaires", "pre_cochee": False,
                      "objets": ["partenaires"]}]
    form["mention_information"] = {k: True for k in gf.NOTICE_ITEMS}
    return form


def test_right_audit_scores_full_marks():
    res = gf.check_audit(RIGHT, lang="fr", display=False)
    assert res.ok and res.score == 1.0
    assert res.details["facts"]["conservation"] and not res.details["facts"]["case_pre_cochee"]


def test_wrong_audit_gets_per_rule_feedback():
    wrong = {**RIGHT, "case_pre_cochee": True, "conservation": False, "base_legale": "interet_legitime"}
    res = gf.check_audit(wrong, lang="en", display=False)
    assert not res.ok and res.details["right"] == 5
    assert any(m.startswith("✘") and "pre-ticked" in m for m in res.messages)
    assert any("Lawful basis 'interet_legitime'" in m for m in res.messages)


def test_missing_answers_are_flagged():
    res = gf.check_audit({}, lang="fr", display=False)
    assert res.score == 0 and any("pas de réponse" in m for m in res.messages)


def test_original_form_fails_and_fixed_form_passes():
    assert not gf.audit_form(gf.load_form(), display=False).ok
    res = gf.audit_form(fixed_form(), lang="en", display=False)
    assert res.ok and res.score == 1.0


def test_unlimited_retention_and_missing_unsubscribe_fail():
    form = fixed_form()
    form["duree_conservation_mois"] = None
    form["lien_desinscription"] = False
    res = gf.audit_form(form, display=False)
    assert not res.details["rules"]["conservation"] and not res.details["rules"]["retrait"]


def test_load_form_returns_a_copy():
    form = gf.load_form()
    form["champs"].clear()
    assert gf.FORM["champs"]


RIGHT_EN = {"minimisation": False, "special_category_data": False, "pre_ticked_box": False,
            "separate_consent": False, "information": False, "retention": True, "withdrawal": True,
            "legal_basis": "consent"}


def fixed_form_en():
    form = gf.load_form("en")
    form["fields"] = [f for f in form["fields"] if f["name"] in ("email", "first_name")]
    form["boxes"] = [{"text": "I would like to receive the newsletter", "pre_ticked": False, "purposes": ["newsletter"]},
                     {"text": "I agree to my data being shared with partners", "pre_ticked": False,
                      "purposes": ["partners"]}]
    form["notice"] = {k: True for k in gf.FORM_EN["notice"]}
    return form


def test_english_form_has_english_keys_and_the_same_faults():
    form = gf.load_form("en")
    assert {"fields", "boxes", "notice", "retention_months", "unsubscribe_link"} <= set(form)
    assert not {"champs", "cases"} & set(form)
    en = gf.audit_form(form, lang="en", display=False).details["rules"]
    assert en == gf.audit_form(gf.load_form("fr"), display=False).details["rules"]


def test_english_audit_right_and_wrong():
    res = gf.check_audit(RIGHT_EN, lang="en", display=False)
    assert res.ok and res.score == 1.0
    wrong = gf.check_audit({**RIGHT_EN, "pre_ticked_box": True, "legal_basis": "legitimate_interest"}, lang="en",
                           display=False)
    assert not wrong.ok and wrong.details["right"] == 6
    assert any("Lawful basis 'legitimate_interest'" in m for m in wrong.messages)
    unknown = gf.check_audit({**RIGHT_EN, "legal_basis": "membership"}, lang="en", display=False)
    assert any("consent" in m and "legitimate_interest" in m for m in unknown.messages)


def test_english_fixed_form_passes_and_the_notebook_start_fails():
    assert gf.audit_form(fixed_form_en(), lang="en", display=False).ok
    start = gf.load_form("en")
    start["fields"] = [f for f in start["fields"] if f["name"] in ("email", "first_name", "last_name")]
    start["boxes"][0]["pre_ticked"] = True
    start["notice"]["legal_basis"] = True
    assert not gf.audit_form(start, lang="en", display=False).ok


def test_show_form_prints_the_english_form(capsys):
    gf.show_form(lang="en")
    out = capsys.readouterr().out
    assert "Small Steps Together" in out and "[x] I would like to receive the newsletter" in out
    assert "36 months after the last contact" in out
