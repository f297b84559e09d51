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
    assert an.check_answers("paiement", "mobile", lang="en").ok
    wrong = an.check_answers("page_don", "ordinateur")
    assert not wrong.ok and wrong.score == 0


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
