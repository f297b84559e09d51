"""The trainer's numbers on a synthetic cohort of 30 learners whose answers fix known values.

Course 2 of the test bank (15 questions; modules 2.1-2.3, keys rotate a b c d a). Learner i
(0..29) answers:
- Q0 (2.1.q1) right, everyone: facility 1, D 0, flagged too easy;
- Q1 (2.1.q2) right when i < 20: the ten strongest miss it (D = -1);
- Q2 (2.1.q3) right when i >= 15, else always the same wrong choice: two distractors nobody picks;
- every other question j (3..14) right when i >= 2 (j - 3), wrong choices spread over the distractors.
Totals then rank the learners by i with no tie at the group borders: the upper 27 % (8) are
learners 22-29, the lower 8 are learners 0-7.
"""

import csv
import io

import pytest

from sets_courseware.cohort import (LocalCohort, attendance_csv, attendance_grid, build_report, challenge_plan,
                                    items_csv, item_analysis)
from sets_courseware.content import banks, catalog, load_keys
from sets_courseware.store import Store

N = 30


def wrong(key: str, i: int) -> str:
    others = [c for c in "abcd" if c != key]
    return others[i % 3]


def synthetic_cohort() -> dict[str, dict[str, str]]:
    keys = load_keys()
    qs = banks().course_questions("2")
    cohort = {}
    for i in range(N):
        answers = {}
        for j, q in enumerate(qs):
            key = keys[q.id].answer
            if j == 0:
                ok = True
            elif j == 1:
                ok = i < 20
            elif j == 2:
                ok = i >= 15
                answers[q.id] = key if ok else [c for c in "abcd" if c != key][0]
                continue
            else:
                ok = i >= 2 * (j - 3)
            answers[q.id] = key if ok else wrong(key, i)
        cohort[f"L{i:02d}"] = answers
    return cohort


def test_item_analysis_finds_the_known_items(mini):
    keys = load_keys()
    qs = banks().course_questions("2")
    items = {s.question: s for s in item_analysis(qs, keys, synthetic_cohort())}
    easy, strong_miss, dead = items[qs[0].id], items[qs[1].id], items[qs[2].id]

    assert easy.facility == 1.0 and easy.discrimination == 0.0
    assert "too_easy" in easy.flags and "negative_discrimination" not in easy.flags

    assert strong_miss.facility == pytest.approx(20 / 30, abs=1e-4)
    assert strong_miss.discrimination == -1.0
    assert "negative_discrimination" in strong_miss.flags

    key = keys[qs[2].id].answer
    picked = [c for c in "abcd" if c != key][0]
    assert dead.facility == 0.5 and dead.discrimination == 1.0
    assert dead.shares[key] == 0.5 and dead.shares[picked] == 0.5
    assert sorted(dead.unused) == sorted(c for c in "abcd" if c not in (key, picked))
    assert "unused_distractor" in dead.flags and "negative_discrimination" not in dead.flags
    # An ordinary item of the pattern: q j=9 is right for i >= 12: 18/30; upper all right, lower all wrong.
    ordinary = items[qs[9].id]
    assert ordinary.facility == pytest.approx(18 / 30, abs=1e-4) and ordinary.discrimination == 1.0
    assert ordinary.flags == []
    assert all(sum(s.shares.values()) == pytest.approx(1.0, abs=1e-3) for s in items.values())


def test_report_mastery_gains_plan_and_exports_from_the_store(mini, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'cohort.sqlite'}")
    keys = load_keys()
    qs = banks().course_questions("2")
    from sets_courseware.assessment import AssessmentService
    service = AssessmentService(store)
    cohort = synthetic_cohort()
    for name, answers in cohort.items():
        for qid, choice in answers.items():
            service.save(name, "2", "initial", qid, choice)
        service.submit(name, "2", "initial")
    # Final evaluation by the first ten: module 2.1 all right, the rest as before.
    for name in sorted(cohort)[:10]:
        for q in qs:
            service.save(name, "2", "final", q.id, keys[q.id].answer if q.id.startswith("2.1.") else cohort[name][q.id])
        service.submit(name, "2", "final")

    source = LocalCohort(store, trainer="tom")
    report = source.report("2")
    assert report.n_initial == 30 and report.n_final == 10
    assert report.item(qs[1].id).discrimination == -1.0  # same numbers through the store
    subtopic_q0 = qs[0].subtopics[0]
    assert report.mastery_before[subtopic_q0] == 100.0
    # Before/after compares the same learners: Q2 was right for i >= 15 only, so 0 % among the ten finals.
    assert report.mastery_before[qs[2].subtopics[0]] == 50.0 and report.mastery_matched[qs[2].subtopics[0]] == 0.0
    # Module 2.1 for learners 0-9: pre = (Q0 + Q1 + [Q2: no] + Q3 [i>=0] + Q4 [i>=2]) / 5.
    m21 = next(p for p in report.progress if p.module == "2.1")
    pres = [100 * (1 + 1 + 0 + 1 + (i >= 2)) / 5 for i in range(10)]
    assert m21.n == 10 and m21.pre == pytest.approx(sum(pres) / 10) and m21.post == 100.0
    assert m21.gain == 1.0 and m21.gains == [1.0] * 10
    m22 = next(p for p in report.progress if p.module == "2.2")
    assert m22.gain == 0.0
    # The after-map only counts the final evaluation: 2.1's sub-topics are all mastered.
    assert all(report.mastery_after[s.id] == 100.0 for s in catalog().module("2.1").subtopics
               if s.id in report.mastery_after)

    plan = challenge_plan("2", report.mastery_before, lang="fr")
    assert plan[0].start == 0 and plan[-1].start + plan[-1].minutes == 90
    assert all(a.start + a.minutes == b.start for a, b in zip(plan, plan[1:]))
    weakest = {st for st, _ in report.weakest(3)}
    assert weakest & set(plan[1].subtopics), "the first challenge works on one of the weakest sub-topics"

    rows = list(csv.DictReader(io.StringIO(items_csv(report))))
    assert len(rows) == 15 and rows[1]["flags"] == "negative_discrimination" and rows[1]["discrimination"] == "-1.000"

    sessions = [s.id for s in catalog().course("2").live_sessions]
    assert len(sessions) == 3
    source.record_attendance("L00", "2", sessions[0], True)
    source.record_attendance("L01", "2", sessions[0], False)
    source.record_attendance("L00", "2", sessions[1], True)
    grid = attendance_grid("2", source.learners("2"), source.attendance("2"))
    assert len(grid) == 30
    exported = list(csv.DictReader(io.StringIO(attendance_csv("2", grid))))
    assert exported[0] == {"learner": "L00", sessions[0]: "present", sessions[1]: "present", sessions[2]: ""}
    assert exported[1][sessions[0]] == "absent"
    assert store.attendance("2", learner="L00")[0]["by"] == "tom"


def test_report_round_trips_as_json(mini):
    """What the service sends is what the dashboard rebuilds."""
    import json
    from dataclasses import asdict

    from sets_courseware.cohort import CohortReport
    from sets_courseware.path import score
    keys = load_keys()
    qs = banks().course_questions("2")
    initial = [(name, answers, [asdict(r) for r in score("2", qs, answers, keys)])
               for name, answers in synthetic_cohort().items()]
    report = build_report("2", initial, [], keys)
    assert CohortReport.from_json(json.loads(json.dumps(report.to_json()))) == report


def test_service_gives_trainers_the_report_and_refuses_learners(mini, tmp_path):
    """On a hub the dashboard reads the report through the assessment service (which has the keys):
    a trainer's token gets the item statistics; a learner's token is refused."""
    from test_service import Server

    from sets_courseware.client import ServiceClient
    from sets_courseware.cohort import ServiceCohort
    from sets_courseware.errors import SetsError

    store = Store(f"sqlite:///{tmp_path / 'service.sqlite'}")
    from sets_courseware.assessment import AssessmentService
    service = AssessmentService(store)
    for name, answers in synthetic_cohort().items():
        for qid, choice in answers.items():
            service.save(name, "2", "initial", qid, choice)
        service.submit(name, "2", "initial")
    server = Server(store)
    try:
        source = ServiceCohort(ServiceClient(server.url, token="tok-tom"))
        report = source.report("2")
        qs = banks().course_questions("2")
        assert report.n_initial == 30 and report.item(qs[1].id).discrimination == -1.0
        source.record_attendance("L03", "2", "2.L2", True)
        assert [r["learner"] for r in source.attendance("2")] == ["L03"]
        assert len(source.learners("2")) == 30
        learner = ServiceCohort(ServiceClient(server.url, token="tok-ana"))
        with pytest.raises(SetsError, match="HTTP 403"):
            learner.report("2")
        from sets_courseware.dashboard import Dashboard
        page = Dashboard(learner, lang="fr")
        assert "réservé aux formateur·ices" in page.view.children[-1].value
        assert "sets-choice" not in json_state(page.view) and page.course_picker not in page.view.children
    finally:
        server.stop()


def test_dashboard_page_renders_every_tab_and_exports(mini, tmp_path):
    import ipywidgets as w

    from sets_courseware.assessment import AssessmentService
    from sets_courseware.dashboard import Dashboard

    store = Store(f"sqlite:///{tmp_path / 'dash.sqlite'}")
    service = AssessmentService(store)
    cohort = synthetic_cohort()
    for name, answers in cohort.items():
        for qid, choice in answers.items():
            service.save(name, "2", "initial", qid, choice)
        service.submit(name, "2", "initial")
    service.ask("L04", "2", "Comment choisir un outil de visio libre ?", "2.1")
    page = Dashboard(LocalCohort(store, trainer="tom"), lang="fr", course_id="2")
    tabs = page.body.children[1]
    assert len(tabs.children) == 7
    text = json_state(page.view)
    assert "30 auto-évaluation(s)" in text and "les plus fort·es se trompent davantage" in text
    assert "Comment choisir un outil de visio libre" in text and "data:image/svg+xml;base64," in text
    boxes = [c for c in walk(tabs.children[5]) if isinstance(c, w.Checkbox)]
    assert len(boxes) == 30 * 3
    boxes[0].value = True
    assert store.attendance("2")[0] == {**store.attendance("2")[0], "learner": "L00", "session": "2.L1", "present": True}
    export = tabs.children[6]
    button = next(c for c in walk(export) if isinstance(c, w.Button))
    button.click()
    links = export.children[-1].value
    for name in ("items-2.csv", "mastery-2.csv", "gains-2.csv", "attendance-2.csv", "questions-2.csv", "cohort-2.pdf"):
        assert f'download="{name}"' in links
    import base64
    import re
    pdf = re.search(r'download="cohort-2.pdf" href="data:application/pdf;base64,([^"]+)"', links).group(1)
    assert base64.b64decode(pdf).startswith(b"%PDF")


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def json_state(view) -> str:
    import json
    return json.dumps([wd.get_state() for wd in walk(view)], default=str, ensure_ascii=False)


def test_sets_dashboard_export_writes_the_files(mini, tmp_path, monkeypatch):
    from sets_courseware.assessment import AssessmentService
    from sets_courseware.cli import main

    monkeypatch.setenv("SETS_DB_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    store = Store(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    service = AssessmentService(store)
    for name, answers in list(synthetic_cohort().items())[:5]:
        for qid, choice in answers.items():
            service.save(name, "2", "initial", qid, choice)
        service.submit(name, "2", "initial")
    assert main(["dashboard", "--export", str(tmp_path / "out"), "--course", "2"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["attendance-2.csv", "cohort-2.pdf", "gains-2.csv", "items-2.csv", "mastery-2.csv",
                     "questions-2.csv"]
    assert (tmp_path / "out" / "items-2.csv").stat().st_mode & 0o077 == 0
    assert main(["dashboard", "--export", str(tmp_path / "out")]) == 2  # --course is required
