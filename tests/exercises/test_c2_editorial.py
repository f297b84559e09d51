"""Editorial calendar exercise: the plan checker finds the flaws; the .ics export parses back and is validated (French and English plans)."""

import matplotlib
import pytest

matplotlib.use("Agg")

from sets_courseware.exercises import c2_editorial as ed  # noqa: E402

LANGS = ["fr", "en"]
CLOTHES = {"fr": "Rappel collecte de vêtements", "en": "Clothes collection reminder"}
OWNER = {"fr": "responsable", "en": "owner"}


def fixed_plan(lang="fr"):
    plan = ed.load_plan(lang)
    plan.loc[plan["theme"] == CLOTHES[lang], "date"] = "2025-04-11"
    plan.loc[plan[OWNER[lang]] == "", OWNER[lang]] = "Inès"
    return plan


def test_english_plan_has_english_columns_and_the_same_flaws():
    fr, en = ed.load_plan("fr"), ed.load_plan("en")
    assert list(en.columns) == ["date", "platform", "theme", "owner", "format"]
    assert list(fr["date"]) == list(en["date"]) and len(fr) == len(en) == 12
    assert list(fr["responsable"] == "") == list(en["owner"] == "")


def test_example_plan_flaws_are_reported():
    res = ed.check_plan(ed.load_plan(), lang="fr", display=False)
    text = " ".join(res.messages)
    assert not res.ok
    assert "Deux publications sur Facebook le 2025-04-09" in text
    assert "Portrait d'une bénévole" in text
    en = ed.check_plan(ed.load_plan("en"), lang="en", display=False)
    assert not en.ok and en.details["problems"] == res.details["problems"] == 2
    assert "Portrait of a volunteer" in " ".join(en.messages)


@pytest.mark.parametrize("lang", LANGS)
def test_fixed_plan_passes(lang):
    res = ed.check_plan(fixed_plan(lang), lang=lang, display=False)
    assert res.ok and ("Valid plan: 12 posts" if lang == "en" else "Plan valide : 12 publications") in res.messages[0]


@pytest.mark.parametrize("lang", LANGS)
def test_export_parses_back_and_validates(tmp_path, lang):
    plan = fixed_plan(lang)
    path = ed.export_ics(plan, tmp_path / "plan.ics", lang=lang)
    res = ed.check_ics(path, expected=len(plan), lang=lang, display=False)
    assert res.ok and res.details["events"] == 12
    text = path.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert ("Owner: Inès" if lang == "en" else "Responsable : Inès") in text.replace("\r\n ", "")


def test_default_file_names_follow_the_language(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert ed.export_ics(fixed_plan("en"), lang="en") == ed.Path("my_files/editorial_plan.ics")
    assert ed.export_ics(fixed_plan("fr")) == ed.Path("mes_fichiers/plan_editorial.ics")


@pytest.mark.parametrize("lang", LANGS)
def test_flawed_export_fails(tmp_path, lang):
    path = ed.export_ics(ed.load_plan(lang), tmp_path / "plan.ics", lang=lang)
    res = ed.check_ics(path, expected=12, lang=lang, display=False)
    assert not res.ok
    assert not res.details["checks"]["clashes"] and not res.details["checks"]["owners"]


@pytest.mark.parametrize("lang", LANGS)
def test_wrong_count_dates_and_missing_file(tmp_path, lang):
    plan = fixed_plan(lang)
    plan.loc[0, "date"] = "2025-05-02"
    path = ed.export_ics(plan, tmp_path / "plan.ics", lang=lang)
    res = ed.check_ics(path, expected=13, lang=lang, display=False)
    assert not res.details["checks"]["count"] and not res.details["checks"]["dates"]
    assert not ed.check_ics(tmp_path / "absent.ics", lang=lang, display=False).ok
    bad = tmp_path / "bad.ics"
    bad.write_text("hello", encoding="utf-8")
    assert not ed.check_ics(bad, lang=lang, display=False).ok


@pytest.mark.parametrize("lang", LANGS)
def test_plot_counts_posts_per_platform(lang):
    table = ed.plot_plan(ed.load_plan(lang), lang=lang)
    assert table.values.sum() == 12 and "Facebook" in table.columns
