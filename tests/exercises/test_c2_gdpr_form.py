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
