"""Module 2.1 exercises: funnel arithmetic, WCAG contrast formula, page audit on broken and fixed pages."""

import pytest

from sets_courseware.exercises import c2_accessibility as a11y
from sets_courseware.exercises import c2_analytics as an


def test_funnel_is_monotonic_and_worst_step_found():
    table = an.funnel()
    counts = table["visiteurs"].tolist()
    assert counts == sorted(counts, reverse=True) and counts[0] == len(an.load_visits())
    assert an.worst_step(table) == "paiement"


def test_analytics_checker_right_and_wrong():
    assert an.check_answers("paiement", "mobile", visits=an.load_visits("fr"), lang="en").ok
    wrong = an.check_answers("page_don", "ordinateur")
    assert not wrong.ok and wrong.score == 0


def test_english_export_gives_the_same_funnel_in_english():
    visits = an.load_visits("en")
    assert {"visit_id", "device", "source", "last_step"} <= set(visits.columns)
    table = an.funnel(visits)
    assert list(table.columns) == ["group", "step", "visitors", "pass_rate", "lost"]
    assert table["visitors"].tolist() == an.funnel()["visiteurs"].tolist()
    assert an.worst_step(table) == "payment"
    assert set(an.funnel(visits, by="device")["group"]) == {"mobile", "desktop", "tablet"}


def test_analytics_checker_in_english():
    right = an.check_answers("payment", "mobile", lang="en")
    assert right.ok and right.details == {"worst": "payment", "device": "mobile"}
    wrong = an.check_answers("donate_page", "desktop", lang="en")
    assert not wrong.ok and wrong.score == 0
    assert not an.check_answers("paiement", "mobile", lang="en").ok   # French names do not fit the English export


def test_unknown_step_is_named():
    visits = an.load_visits().head(3).copy()
    visits.loc[0, "derniere_etape"] = "panier"
    with pytest.raises(ValueError, match="panier"):
        an.funnel(visits)


def test_contrast_formula_known_values():
    assert a11y.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert a11y.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert a11y.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA
    with pytest.raises(ValueError):
        a11y.luminance("grey")


def test_audit_finds_every_fault_then_passes_when_fixed():
    page = a11y.load_page()
    rules = {i.rule for i in a11y.audit(page)}
    assert rules == {"contrast", "alt", "headings", "links", "labels"}
    fixed = (page.replace("color:#999999", "color:#595959")
                 .replace('<img src="atelier.jpg">', '<img src="atelier.jpg" alt="Des participantes devant un ordinateur">')
                 .replace("<h3>Prochaines dates</h3>", "<h2>Prochaines dates</h2>")
                 .replace('<a href="programme.pdf">cliquez ici</a>', '<a href="programme.pdf">le programme des ateliers (PDF)</a>')
                 .replace('<input type="text" name="nom">', '<label for="nom">Nom</label><input type="text" id="nom" name="nom">'))
    assert a11y.audit(fixed) == []
    assert a11y.check_page(fixed, "en").ok
    assert not a11y.check_page(page).ok


def test_english_page_has_the_same_faults_and_the_same_fixes():
    page = a11y.load_page("en")
    assert "click here" in page and "cliquez" not in page
    assert {i.rule for i in a11y.audit(page)} == {"contrast", "alt", "headings", "links", "labels"}
    fixed = (page.replace("color:#999999", "color:#595959")
                 .replace('<img src="workshop.jpg">', '<img src="workshop.jpg" alt="">')
                 .replace("<h3>Next dates</h3>", "<h2>Next dates</h2>")
                 .replace('<a href="programme.pdf">click here</a>', '<a href="programme.pdf">the workshop programme (PDF)</a>')
                 .replace('<input type="text" name="name">', '<label for="name">Name</label><input type="text" id="name" name="name">'))
    assert a11y.audit(fixed) == []
    assert a11y.check_page(fixed, "en").ok and not a11y.check_page(page, "en").ok
