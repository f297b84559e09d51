"""Module 2.2.6 — audit a newsletter sign-up form against the GDPR, then fix it.

The form is plain data (:data:`FORM`, a fictitious association). Step 1: the learner says, for
each rule of the checklist, whether the form is compliant (True) or not (False), and picks the
lawful basis; :func:`check_audit` gives feedback per rule. Step 2: the learner edits a copy of
the form; :func:`audit_form` checks the corrected form rule by rule.

Rules (keys of :data:`RULES`): minimisation (art. 5(1)(c)), donnees_sensibles (art. 9),
case_pre_cochee (art. 4(11), art. 7, recital 32), consentement_distinct (specific consent, art. 7(2)),
information (art. 13), conservation (art. 5(1)(e); CNIL reference of 3 years after the last
contact for prospects), retrait (art. 7(3)).

English notebooks audit :data:`FORM_EN`, the same form written in English with English keys
(``fields``, ``boxes``, ``notice``…; audit keys ``special_category_data``, ``pre_ticked_box``…;
lawful bases ``consent``, ``legitimate_interest``…): they are read into the same rules.
"""

from __future__ import annotations

import copy

from .common import CheckResult, show, lang_of

FORM = {
    "organisme": "Association Les Petits Pas Solidaires (fictive)",
    "finalite": "Envoyer la lettre d'information mensuelle de l'association",
    "champs": [
        {"nom": "email", "libelle": "Adresse e-mail", "obligatoire": True},
        {"nom": "prenom", "libelle": "Prénom", "obligatoire": False},
        {"nom": "nom", "libelle": "Nom", "obligatoire": True},
        {"nom": "date_naissance", "libelle": "Date de naissance", "obligatoire": True},
        {"nom": "telephone", "libelle": "Téléphone portable", "obligatoire": True},
        {"nom": "situation_familiale", "libelle": "Situation familiale", "obligatoire": True},
        {"nom": "sante", "libelle": "Avez-vous une maladie chronique ou un handicap ?", "obligatoire": False,
         "sensible": True},
    ],
    "cases": [
        {"texte": "Je souhaite recevoir la lettre d'information", "pre_cochee": True, "objets": ["newsletter"]},
        {"texte": "J'accepte les conditions d'utilisation et la transmission de mes données à nos partenaires",
         "pre_cochee": False, "objets": ["cgu", "partenaires"]},
    ],
    "mention_information": {
        "responsable": True, "finalite": True, "base_legale": False, "destinataires": False,
        "duree": True, "droits": False, "contact": True, "reclamation_cnil": False,
    },
    "duree_conservation_mois": 36,
    "point_depart_conservation": "dernier contact",
    "lien_desinscription": True,
}

FORM_EN = {
    "organisation": "Small Steps Together association (fictitious)",
    "purpose": "Send the association's monthly newsletter",
    "fields": [
        {"name": "email", "label": "E-mail address", "required": True},
        {"name": "first_name", "label": "First name", "required": False},
        {"name": "last_name", "label": "Last name", "required": True},
        {"name": "date_of_birth", "label": "Date of birth", "required": True},
        {"name": "mobile_phone", "label": "Mobile phone", "required": True},
        {"name": "family_situation", "label": "Family situation", "required": True},
        {"name": "health", "label": "Do you have a long-term illness or a disability?", "required": False,
         "sensitive": True},
    ],
    "boxes": [
        {"text": "I would like to receive the newsletter", "pre_ticked": True, "purposes": ["newsletter"]},
        {"text": "I accept the terms of use and the sharing of my data with our partners",
         "pre_ticked": False, "purposes": ["terms", "partners"]},
    ],
    "notice": {
        "controller": True, "purpose": True, "legal_basis": False, "recipients": False,
        "retention": True, "rights": False, "contact": True, "complaint_to_authority": False,
    },
    "retention_months": 36,
    "retention_start": "last contact",
    "unsubscribe_link": True,
}
# English keys of FORM_EN and of an English audit, and the keys the rules read.
EN_KEYS = {"organisation": "organisme", "purpose": "finalite", "fields": "champs", "boxes": "cases",
           "notice": "mention_information", "retention_months": "duree_conservation_mois",
           "retention_start": "point_depart_conservation", "unsubscribe_link": "lien_desinscription",
           "name": "nom", "label": "libelle", "required": "obligatoire", "sensitive": "sensible",
           "text": "texte", "pre_ticked": "pre_cochee", "purposes": "objets",
           "controller": "responsable", "legal_basis": "base_legale", "recipients": "destinataires",
           "retention": "duree", "rights": "droits", "complaint_to_authority": "reclamation_cnil"}
EN_RULES = {"minimisation": "minimisation", "special_category_data": "donnees_sensibles",
            "pre_ticked_box": "case_pre_cochee", "separate_consent": "consentement_distinct",
            "information": "information", "retention": "conservation", "withdrawal": "retrait",
            "legal_basis": "base_legale"}
EN_BASES = {"consent": "consentement", "contract": "contrat", "legal_obligation": "obligation_legale",
            "vital_interests": "interets_vitaux", "public_task": "mission_interet_public",
            "legitimate_interest": "interet_legitime"}

# Data a newsletter needs: the e-mail (required); a first name may be asked, optionally.
NEEDED = {"email"}
OPTIONAL_OK = {"prenom", "first_name"}
SENSITIVE_NAMES = {"sante", "handicap", "religion", "origine", "opinions_politiques", "syndicat",
                   "orientation_sexuelle", "biometrie", "genetique", "health", "disability", "origin",
                   "political_opinions", "trade_union", "sexual_orientation", "biometrics", "genetics"}
NOTICE_ITEMS = ["responsable", "finalite", "base_legale", "destinataires", "duree", "droits", "contact",
                "reclamation_cnil"]
BASES = {"consentement", "contrat", "obligation_legale", "interets_vitaux", "mission_interet_public",
         "interet_legitime"}

RULES = ["minimisation", "donnees_sensibles", "case_pre_cochee", "consentement_distinct", "information",
         "conservation", "retrait"]

TEXT = {
    "minimisation": {
        "title": {"fr": "Minimisation (art. 5(1)(c))", "en": "Data minimisation (Art. 5(1)(c))"},
        "ok": {"fr": "Seules les données nécessaires à l'envoi de la lettre sont demandées.",
               "en": "Only the data needed to send the newsletter are requested."},
        "bad": {"fr": "Données non nécessaires pour une lettre d'information : {x}. L'e-mail suffit (prénom facultatif).",
                "en": "Data not needed for a newsletter: {x}. The e-mail is enough (first name optional)."},
    },
    "donnees_sensibles": {
        "title": {"fr": "Données sensibles (art. 9)", "en": "Special-category data (Art. 9)"},
        "ok": {"fr": "Aucune donnée sensible (santé, handicap, opinions…) n'est demandée.",
               "en": "No special-category data (health, disability, opinions…) is requested."},
        "bad": {"fr": "Le champ « {x} » porte sur la santé : donnée sensible, interdite sauf exception, et sans aucun rapport avec une lettre d'information.",
                "en": "The field '{x}' is about health: special-category data, prohibited save for exceptions, and unrelated to a newsletter."},
    },
    "case_pre_cochee": {
        "title": {"fr": "Acte positif clair (art. 4(11), art. 7, considérant 32)",
                  "en": "Clear affirmative act (Art. 4(11), Art. 7, recital 32)"},
        "ok": {"fr": "Aucune case n'est pré-cochée : la personne agit elle-même.",
               "en": "No box is pre-ticked: the person acts themselves."},
        "bad": {"fr": "La case « {x} » est pré-cochée : ce n'est pas un consentement valable (considérant 32, arrêt Planet49 de la CJUE).",
                "en": "The box '{x}' is pre-ticked: this is not valid consent (recital 32, CJEU Planet49 judgment)."},
    },
    "consentement_distinct": {
        "title": {"fr": "Consentement spécifique, distinct pour chaque finalité (art. 7(2))",
                  "en": "Specific consent, separate for each purpose (Art. 7(2))"},
        "ok": {"fr": "Chaque case porte sur une seule finalité.", "en": "Each box covers a single purpose."},
        "bad": {"fr": "La case « {x} » mélange plusieurs objets ({y}) : il faut une case par finalité, et ne jamais lier le consentement à l'acceptation des conditions d'utilisation.",
                "en": "The box '{x}' mixes several purposes ({y}): use one box per purpose, and never tie consent to accepting the terms of use."},
    },
    "information": {
        "title": {"fr": "Information des personnes (art. 13)", "en": "Information to people (Art. 13)"},
        "ok": {"fr": "La mention d'information est complète.", "en": "The information notice is complete."},
        "bad": {"fr": "La mention d'information ne dit pas : {x}.", "en": "The information notice does not state: {x}."},
    },
    "conservation": {
        "title": {"fr": "Durée de conservation limitée (art. 5(1)(e))", "en": "Storage limitation (Art. 5(1)(e))"},
        "ok": {"fr": "Durée définie : jusqu'à la désinscription, et au plus {x} mois après le dernier contact (la CNIL retient 3 ans comme référence pour les prospects).",
               "en": "Defined period: until unsubscription, and at most {x} months after the last contact (the CNIL uses 3 years as its reference for prospects)."},
        "bad": {"fr": "Durée de conservation absente, illimitée ou trop longue ({x}) : fixez-la, par exemple 3 ans au plus après le dernier contact.",
                "en": "Retention period missing, unlimited or too long ({x}): set one, e.g. at most 3 years after the last contact."},
    },
    "retrait": {
        "title": {"fr": "Retrait aussi simple que le consentement (art. 7(3))",
                  "en": "Withdrawal as easy as giving consent (Art. 7(3))"},
        "ok": {"fr": "Un lien de désinscription figure dans chaque envoi.", "en": "Every mailing carries an unsubscribe link."},
        "bad": {"fr": "Pas de lien de désinscription : la personne doit pouvoir retirer son consentement à tout moment, aussi facilement qu'elle l'a donné.",
                "en": "No unsubscribe link: people must be able to withdraw consent at any time, as easily as they gave it."},
    },
}

NOTICE_LABELS = {
    "responsable": {"fr": "qui est responsable", "en": "who the controller is"},
    "finalite": {"fr": "la finalité", "en": "the purpose"},
    "base_legale": {"fr": "la base légale", "en": "the lawful basis"},
    "destinataires": {"fr": "les destinataires", "en": "the recipients"},
    "duree": {"fr": "la durée de conservation", "en": "the retention period"},
    "droits": {"fr": "les droits (accès, rectification, effacement, opposition…)",
               "en": "the rights (access, rectification, erasure, objection…)"},
    "contact": {"fr": "le contact pour exercer ses droits", "en": "the contact to exercise rights"},
    "reclamation_cnil": {"fr": "le droit d'introduire une réclamation auprès de la CNIL",
                         "en": "the right to lodge a complaint with the CNIL"},
}

AUDIT_MSG = {
    "right": {"fr": "✔ {r} — bonne réponse ({v}). {why}", "en": "✔ {r} — correct ({v}). {why}"},
    "wrong": {"fr": "✘ {r} — vous avez répondu « {a} », mais le formulaire est {v}. {why}",
              "en": "✘ {r} — you answered '{a}', but the form is {v}. {why}"},
    "missing": {"fr": "✘ {r} — pas de réponse.", "en": "✘ {r} — no answer."},
    "conforme": {"fr": "conforme", "en": "compliant"},
    "non_conforme": {"fr": "non conforme", "en": "not compliant"},
    "basis_ok": {"fr": "✔ Base légale : le consentement (art. 6(1)(a)) est la base la plus claire pour une lettre d'information à laquelle on s'inscrit soi-même.",
                 "en": "✔ Lawful basis: consent (Art. 6(1)(a)) is the clearest basis for a newsletter people sign up to themselves."},
    "basis_bad": {"fr": "✘ Base légale « {b} » : pour une inscription volontaire à une lettre d'information, retenez le consentement (art. 6(1)(a)) ; le contrat ou l'obligation légale ne s'appliquent pas, et l'intérêt légitime se discute pour des adhérents existants, pas pour un formulaire d'inscription.",
                  "en": "✘ Lawful basis '{b}': for a voluntary newsletter sign-up, use consent (Art. 6(1)(a)); contract or legal obligation do not apply, and legitimate interest may be discussed for existing members, not for a sign-up form."},
    "basis_unknown": {"fr": "✘ Base légale inconnue « {b} ». Choix possibles : {ok}.",
                      "en": "✘ Unknown lawful basis '{b}'. Possible choices: {ok}."},
}


def load_form(lang: str = "fr") -> dict:
    """A fresh copy of the form to audit, in the notebook's language (edit the copy, not the original)."""
    return copy.deepcopy(FORM_EN if lang_of(lang) == "en" else FORM)


def _canonical(value):
    """A form with English keys read into the keys the rules use (French keys pass through)."""
    if isinstance(value, dict):
        return {EN_KEYS.get(k, k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _evaluate(form: dict, lang: str) -> dict[str, tuple[bool, str]]:
    """{rule: (compliant, explanation)} for a form."""
    L = lang_of(lang)
    form = _canonical(form)
    out: dict[str, tuple[bool, str]] = {}
    fields = form.get("champs", [])
    extra = [f.get("libelle", f.get("nom")) for f in fields
             if f.get("nom") not in NEEDED and not (f.get("nom") in OPTIONAL_OK and not f.get("obligatoire"))]
    missing_email = not any(f.get("nom") == "email" for f in fields)
    ok = not extra and not missing_email
    out["minimisation"] = (ok, TEXT["minimisation"]["ok" if ok else "bad"][L].format(x=", ".join(extra) or "email"))

    sens = [f.get("libelle", f.get("nom")) for f in fields if f.get("sensible") or f.get("nom") in SENSITIVE_NAMES]
    out["donnees_sensibles"] = (not sens, TEXT["donnees_sensibles"]["bad" if sens else "ok"][L].format(x=", ".join(sens)))

    boxes = form.get("cases", [])
    pre = [b.get("texte", "") for b in boxes if b.get("pre_cochee")]
    out["case_pre_cochee"] = (not pre, TEXT["case_pre_cochee"]["bad" if pre else "ok"][L].format(x=" ; ".join(pre)))

    mixed = [b for b in boxes if len(b.get("objets", [])) != 1]
    out["consentement_distinct"] = (not mixed, TEXT["consentement_distinct"]["bad" if mixed else "ok"][L].format(
        x=" ; ".join(b.get("texte", "") for b in mixed), y=", ".join(o for b in mixed for o in b.get("objets", []))))

    notice = form.get("mention_information", {})
    lacking = [NOTICE_LABELS[k][L] for k in NOTICE_ITEMS if not notice.get(k)]
    out["information"] = (not lacking, TEXT["information"]["bad" if lacking else "ok"][L].format(x=", ".join(lacking)))

    months = form.get("duree_conservation_mois")
    good = isinstance(months, (int, float)) and 0 < months <= 36
    shown = "—" if months is None else str(months)
    out["conservation"] = (good, TEXT["conservation"]["ok" if good else "bad"][L].format(x=shown))

    link = bool(form.get("lien_desinscription"))
    out["retrait"] = (link, TEXT["retrait"]["ok" if link else "bad"][L])
    return out


def show_form(form: dict | None = None, lang: str = "fr") -> None:
    """Print the form in a readable way."""
    form = _canonical(load_form(lang) if form is None else form)
    en = lang == "en"
    print(("Organisation: " if en else "Organisme : ") + form["organisme"])
    print(("Purpose: " if en else "Finalité : ") + form["finalite"])
    print("Fields:" if en else "Champs :")
    for f in form["champs"]:
        req = ("required" if en else "obligatoire") if f.get("obligatoire") else ("optional" if en else "facultatif")
        print(f"  - {f['libelle']} ({req})")
    print("Tick boxes:" if en else "Cases à cocher :")
    for b in form["cases"]:
        print(f"  [{'x' if b.get('pre_cochee') else ' '}] {b['texte']}")
    notice = form["mention_information"]
    says = [NOTICE_LABELS[k][lang_of(lang)] for k in NOTICE_ITEMS if notice.get(k)]
    print(("Information notice states: " if en else "La mention d'information indique : ") + ", ".join(says))
    months = form.get("duree_conservation_mois")
    start = form.get("point_depart_conservation", "")
    if en:
        start = {"dernier contact": "last contact", "collecte": "collection"}.get(start, start)
    print(("Retention: " if en else "Conservation : ") + ("—" if months is None else
          f"{months} {'months after the' if en else 'mois après le'} {start}"))
    print(("Unsubscribe link in every mailing: " if en else "Lien de désinscription dans chaque envoi : ")
          + (("yes" if en else "oui") if form.get("lien_desinscription") else ("no" if en else "non")))


def check_audit(answers: dict, lang: str = "fr", form: dict | None = None, display: bool = True) -> CheckResult:
    """Compare the learner's audit ({rule: True if compliant}, plus 'base_legale') with the facts."""
    L = lang_of(lang)
    facts = _evaluate(load_form(lang) if form is None else form, lang)
    answers = {EN_RULES.get(k, k): v for k, v in answers.items()}
    messages, right = [], 0
    for rule in RULES:
        title = TEXT[rule]["title"][L]
        truth, why = facts[rule]
        verdict = AUDIT_MSG["conforme" if truth else "non_conforme"][L]
        if rule not in answers or answers[rule] is None:
            messages.append(AUDIT_MSG["missing"][L].format(r=title))
            continue
        given = bool(answers[rule])
        if given == truth:
            right += 1
            messages.append(AUDIT_MSG["right"][L].format(r=title, v=verdict, why=why))
        else:
            said = AUDIT_MSG["conforme" if given else "non_conforme"][L]
            messages.append(AUDIT_MSG["wrong"][L].format(r=title, a=said, v=verdict, why=why))
    given_basis = str(answers.get("base_legale", "")).strip().lower()
    basis = EN_BASES.get(given_basis, given_basis)
    if basis == "consentement":
        right += 1
        messages.append(AUDIT_MSG["basis_ok"][L])
    elif basis in BASES:
        messages.append(AUDIT_MSG["basis_bad"][L].format(b=given_basis))
    else:
        choices = sorted(EN_BASES) if L == "en" else sorted(BASES)
        messages.append(AUDIT_MSG["basis_unknown"][L].format(b=given_basis, ok=", ".join(choices)))
    total = len(RULES) + 1
    result = CheckResult(ok=right == total, score=right / total, messages=messages,
                         details={"facts": {r: facts[r][0] for r in RULES}, "right": right})
    return show(result) if display else result


def audit_form(form: dict, lang: str = "fr", display: bool = True) -> CheckResult:
    """Check a (corrected) form rule by rule; score = share of rules met."""
    L = lang_of(lang)
    facts = _evaluate(form, lang)
    messages = [("✔ " if facts[r][0] else "✘ ") + TEXT[r]["title"][L] + " — " + facts[r][1] for r in RULES]
    passed = sum(facts[r][0] for r in RULES)
    result = CheckResult(ok=passed == len(RULES), score=passed / len(RULES), messages=messages,
                         details={"rules": {r: facts[r][0] for r in RULES}})
    return show(result) if display else result
