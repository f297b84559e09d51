"""Editorial calendar exercise: the plan checker finds the flaws; the .ics export parses back and is validated."""

from sets_courseware.exercises import c2_editorial as ed


def fixed_plan():
    plan = ed.load_plan()
    plan.loc[plan["theme"] == "Rappel collecte de vêtements", "date"] = "2025-04-11"
    plan.loc[plan["responsable"] == "", "responsable"] = "Inès"
    return plan


def test_example_plan_flaws_are_reported():
    res = ed.check_plan(ed.load_plan(), lang="fr", display=False)
    text = " ".join(res.messages)
    assert not res.ok
    assert "Deux publications sur Facebook le 2025-04-09" in text
    assert "Portrait d'une bénévole" in text


def test_fixed_plan_passes():
    res = ed.check_plan(fixed_plan(), lang="en", display=False)
    assert res.ok and "Valid plan: 12 posts" in res.messages[0]


def test_export_parses_back_and_validates(tmp_path):
    plan = fixed_plan()
    path = ed.export_ics(plan, tmp_path / "plan.ics")
    res = ed.check_ics(path, expected=len(plan), lang="en", display=False)
    assert res.ok and res.details["events"] == 12
    assert path.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_flawed_export_fails(tmp_path):
    path = ed.export_ics(ed.load_plan(), tmp_path / "plan.ics")
    res = ed.check_ics(path, expected=12, display=False)
    assert not res.ok
    assert not res.details["checks"]["clashes"] and not res.details["checks"]["owners"]


def test_wrong_count_dates_and_missing_file(tmp_path):
    plan = fixed_plan()
    plan.loc[0, "date"] = "2025-05-02"
    path = ed.export_ics(plan, tmp_path / "plan.ics")
    res = ed.check_ics(path, expected=13, display=False)
    assert not res.details["checks"]["count"] and not res.details["checks"]["dates"]
    assert not ed.check_ics(tmp_path / "absent.ics", display=False).ok
    bad = tmp_path / "bad.ics"
    bad.write_text("hello", encoding="utf-8")
    assert not ed.check_ics(bad, display=False).ok
