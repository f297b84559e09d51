"""Tests for the module 3.4.2 exercise: the guided AI action plan."""
import json

import matplotlib

matplotlib.use("Agg")

from sets_courseware.exercises import c3_action_plan as ap  # noqa: E402


def _good_plan():
    plan = ap.example_plan("fr")
    plan["opportunites"][2]["garde_fous"] = ["Aucune décision automatisée ; analyse d'impact avant tout essai"]
    return plan


def test_example_plan_fails_on_missing_safeguard():
    r = ap.check_plan(ap.example_plan("fr"), display=False)
    assert not r.ok
    assert any("garde-fou" in m for m in r.details["errors"])


def test_good_plan_passes_and_is_ranked():
    r = ap.check_plan(_good_plan(), lang="en", display=False)
    assert r.ok and r.score == 1.0
    ranking = r.details["ranking"]
    assert ranking[0][1] >= ranking[-1][1]
    assert ap.priority({"valeur": 4, "faisabilite": 4, "risque": 2}) == 8.0
    assert ap.decision(8.0) == "À lancer" and ap.decision(3.9, "en") == "Postpone"


def test_wrong_plans_are_rejected():
    too_few = {"opportunites": _good_plan()["opportunites"][:2]}
    assert not ap.check_plan(too_few, display=False).ok
    bad_score = _good_plan()
    bad_score["opportunites"][0]["valeur"] = 7
    assert not ap.check_plan(bad_score, display=False).ok
    bad_type = _good_plan()
    bad_type["opportunites"][1]["risque"] = "2"
    assert not ap.check_plan(bad_type, display=False).ok
    too_many = _good_plan()
    for i in range(4):
        ap.upsert(too_many, {"nom": f"Idée {i}", "valeur": 2, "faisabilite": 2, "risque": 1,
                             "premiers_pas": ["essayer"]})
    assert not ap.check_plan(too_many, display=False).ok


def test_english_keys_and_upsert_do_not_duplicate():
    plan = _good_plan()
    opp = {"name": "Sort incoming e-mails", "value": 4, "feasibility": 3, "risk": 4,
           "safeguards": ["human check of every routed e-mail"], "first_steps": ["pilot on one inbox"]}
    ap.upsert(plan, opp)
    ap.upsert(plan, opp)
    assert len(plan["opportunites"]) == 4
    assert ap.check_plan(plan, display=False).ok
    ap.remove(plan, "Sort incoming e-mails")
    assert len(plan["opportunites"]) == 3


def test_save_and_reload(tmp_path):
    path = tmp_path / "plan.json"
    assert ap.load_plan(path, quiet=True) == ap.example_plan("fr")
    plan = _good_plan()
    plan["auteur"] = "Élodie"
    ap.save_plan(plan, path, quiet=True)
    assert json.loads(path.read_text(encoding="utf-8"))["auteur"] == "Élodie"
    assert ap.load_plan(path, quiet=True)["opportunites"][2]["garde_fous"]


def test_exports_markdown_and_pdf(tmp_path):
    files = ap.export_plan(_good_plan(), tmp_path / "sortie" / "plan", lang="fr")
    assert files["md"].exists() and files["pdf"].exists()
    assert files["pdf"].read_bytes()[:4] == b"%PDF"
    md = files["md"].read_text(encoding="utf-8")
    assert "Garde-fous" in md and "épicerie" in md
    en = ap.export_plan(_good_plan(), tmp_path / "plan_en", lang="en", with_chart=False)
    assert en["pdf"].read_bytes()[:4] == b"%PDF" and "Safeguards" in en["md"].read_text(encoding="utf-8")
