"""The trainer's dashboard in headless Chromium (Voilà, `sets dashboard`'s page) on a seeded cohort of 30.

Screenshots go to docs/ when SETS_SCREENSHOT is set (docs/dashboard-*.png).
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

from conftest import ROOT, chromium_path
from sets_courseware.content import banks, load_keys
from sets_courseware.serve import DASHBOARD_PAGE, start, stop, with_token
from test_cohort import synthetic_cohort
from test_learner_e2e import axe, axe_js

pytestmark = pytest.mark.e2e


def seed(home) -> None:
    from sets_courseware.assessment import AssessmentService
    from sets_courseware.store import Store
    store = Store(f"sqlite:///{home / 'sets.sqlite'}")
    service = AssessmentService(store)
    keys = load_keys()
    qs = banks().course_questions("2")
    cohort = synthetic_cohort()
    for name, answers in cohort.items():
        for qid, choice in answers.items():
            service.save(name, "2", "initial", qid, choice)
        service.submit(name, "2", "initial")
    for i, name in enumerate(sorted(cohort)[:20]):  # twenty finals: module 2.1 learned, 2.2 partly
        for j, q in enumerate(qs):
            learned = q.id.startswith("2.1.") or (q.id.startswith("2.2.") and (i + j) % 2)
            service.save(name, "2", "final", q.id, keys[q.id].answer if learned else cohort[name][q.id])
        service.submit(name, "2", "final")
    service.ask("L03", "2", "Quel outil de visioconférence libre pour une petite association ?", "2.1")
    service.ask("L11", "2", "Comment archiver nos échanges WhatsApp de bénévoles ?", "2.2")
    service.ask("L17", "2", "Faut-il une analyse d'impact pour notre fichier de donateurs ?", None)
    for name in sorted(cohort)[:25]:
        store.record_attendance(name, "2", "2.L1", True, "tom")


def test_dashboard_shows_the_cohort_records_attendance_and_exports(tmp_path):
    from playwright.sync_api import expect, sync_playwright
    if chromium_path() is None:
        pytest.fail("Debian chromium is not installed (apt install chromium); .ci/run installs it")
    axe_js()
    root = tmp_path / "root"
    shutil.copytree(ROOT / "voila_app", root / "voila_app")
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    seed(home)
    proc, url = start(root, env={"SETS_HOME": str(home), "SETS_LANG": "fr"}, log=tmp_path / "server.log")
    shots = tmp_path / "shots"
    shots.mkdir()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(with_token(url + DASHBOARD_PAGE, proc.token), timeout=90_000)
            picker = page.get_by_label("Cours", exact=True)
            picker.wait_for(timeout=90_000)
            options = picker.evaluate("s => [...s.options].map(o => o.text)")
            picker.select_option(index=next(i for i, o in enumerate(options) if o.strip().startswith("2.")))
            expect(page.get_by_text(re.compile(r"30 auto-évaluation\(s\) initiale\(s\) envoyée\(s\), 20"))).to_be_visible(
                timeout=60_000)
            heatmap = page.locator("img.sets-chart").first
            expect(heatmap).to_be_visible()
            assert heatmap.evaluate("i => i.naturalWidth") > 300
            page.screenshot(path=str(shots / "dashboard-mastery.png"), full_page=True)
            assert not axe(page, "dashboard: mastery"), axe(page, "dashboard: mastery")

            page.get_by_role("tab", name="Questions", exact=True).click()
            expect(page.get_by_text(re.compile(r"question\(s\) sur 15 à revoir"))).to_be_visible()
            page.get_by_text("Tableau des questions").click()
            row = page.locator("table.sets-items tr", has_text=banks().course_questions("2")[1].id)
            expect(row).to_contain_text("-1.00")
            expect(row).to_contain_text("les plus fort·es se trompent davantage")
            page.screenshot(path=str(shots / "dashboard-items.png"), full_page=True)

            page.get_by_role("tab", name="Progression").click()
            expect(page.locator("img.sets-chart:visible")).to_have_count(1)
            page.screenshot(path=str(shots / "dashboard-progress.png"), full_page=False)

            page.get_by_role("tab", name="Session 2 : défis").click()
            expect(page.locator("table.sets-plan")).to_contain_text("1:30")
            page.get_by_role("tab", name="Session 3 : questions").click()
            expect(page.get_by_text("Comment archiver nos échanges WhatsApp de bénévoles ?")).to_be_visible()

            page.get_by_role("tab", name="Présences").click()
            box = page.locator(".sets-attendance .widget-hbox", has_text="L29").get_by_label("2.L2")
            box.check()
            expect(page.get_by_text("L29, 2.L2 : présent·e (enregistré).")).to_be_visible(timeout=15_000)
            assert not axe(page, "dashboard: attendance"), axe(page, "dashboard: attendance")

            page.get_by_role("tab", name="Exports").click()
            page.get_by_role("button", name="Préparer les exports").click()
            link = page.locator("a.sets-download", has_text="cohort-2.pdf")
            expect(link).to_be_visible(timeout=60_000)
            with page.expect_download() as download:
                page.locator("a.sets-download", has_text="attendance-2.csv").click()
            csv_text = open(download.value.path(), encoding="utf-8").read()
            assert "L29,,present," in csv_text
            browser.close()
    finally:
        stop(proc)
    from sets_courseware.store import Store
    rows = Store(f"sqlite:///{home / 'sets.sqlite'}").attendance("2", learner="L29")
    assert [(r["session"], r["present"]) for r in rows] == [("2.L2", True)]
    if os.environ.get("SETS_SCREENSHOT"):
        for shot in shots.iterdir():
            shutil.copy(shot, ROOT / "docs" / shot.name)
