"""Certification rules (one place, configurable), attendance in the store, the CLI and the service."""

from __future__ import annotations

import json

import pytest

from sets_courseware import cli
from sets_courseware.certification import CertificationRules, Evidence, evaluate, explain
from sets_courseware.content import clear_caches
from sets_courseware.errors import UnknownIdError
from sets_courseware.path import ModuleResult
from sets_courseware.store import Store

RULES = CertificationRules(pass_mark=60, attendance_required=3)


def done_evidence(course: str = "3", **changes) -> Evidence:
    sessions = {"1": ("1.L1", "1.L2", "1.L3"), "2": ("2.L1", "2.L2", "2.L3"), "3": ("3.L1", "3.L2", "3.L3")}[course]
    ev = Evidence("ana", course, initial_results=[ModuleResult("2.1", 1, 5), ModuleResult("2.2", 5, 5)],
                  final_submitted=True, quizzes_submitted={"2.1"}, competence_percent=60.0, attended=set(sessions))
    for k, v in changes.items():
        setattr(ev, k, v)
    return ev


def failing(verdict) -> set[str]:
    return {c.rule for c in verdict.missing()}


def test_every_rule_can_fail_on_its_own(mini):
    assert evaluate(done_evidence(), RULES).eligible
    assert failing(evaluate(done_evidence(final_submitted=False), RULES)) == {"final"}
    assert failing(evaluate(done_evidence(competence_percent=59.9), RULES)) == {"competence"}
    assert failing(evaluate(done_evidence(competence_percent=None), RULES)) == {"competence"}
    assert failing(evaluate(done_evidence(attended={"3.L1", "3.L3"}), RULES)) == {"attendance"}
    assert evaluate(done_evidence(attended={"3.L1", "3.L3"}), CertificationRules(60, 2)).eligible
    assert evaluate(done_evidence(competence_percent=50.0), CertificationRules(50, 3)).eligible


def test_course_2_needs_the_quiz_of_every_module_the_initial_assessment_made_required(mini):
    # 2.1 at 20 % and 2.2 at 100 %: only 2.1 is required (course 2: not mastered -> required).
    assert evaluate(done_evidence("2"), RULES).eligible
    verdict = evaluate(done_evidence("2", quizzes_submitted=set()), RULES)
    assert failing(verdict) == {"quizzes"}
    quizzes = next(c for c in verdict.checks if c.rule == "quizzes")
    assert quizzes.values["missing"] == ["2.1"]
    assert "2.1" in explain(quizzes, "en") and "2.1" in explain(quizzes, "fr")
    assert failing(evaluate(done_evidence("2", initial_results=None), RULES)) == {"quizzes"}
    # Course 3 suggests modules, it does not make them mandatory: no quiz rule there.
    assert "quizzes" not in {c.rule for c in evaluate(done_evidence("3", quizzes_submitted=set()), RULES).checks}


def test_pass_mark_and_attendance_come_from_settings(mini, monkeypatch):
    monkeypatch.setenv("SETS_PASS_MARK", "75")
    monkeypatch.setenv("SETS_ATTENDANCE_REQUIRED", "2")
    clear_caches()
    assert CertificationRules.from_settings() == CertificationRules(75, 2)
    monkeypatch.setenv("SETS_ATTENDANCE_REQUIRED", "4")
    clear_caches()
    with pytest.raises(Exception, match="SETS_ATTENDANCE_REQUIRED"):
        CertificationRules.from_settings()


def test_attendance_is_recorded_in_the_store_and_last_record_wins(mini, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    store.record_attendance("ana", "3", "3.L1", True, "tom")
    store.record_attendance("ana", "3", "3.L1", False, "tina")
    store.record_attendance("bo", "3", "3.L2", True, "tom")
    rows = store.attendance("3")
    assert [(r["learner"], r["session"], r["present"], r["by"]) for r in rows] == [
        ("ana", "3.L1", False, "tina"), ("bo", "3.L2", True, "tom")]
    with pytest.raises(UnknownIdError, match="not a live session of course 3"):
        store.record_attendance("ana", "3", "2.L1", True, "tom")


def test_attendance_cli_record_list_export(mini, capsys, tmp_path):
    assert cli.main(["attendance", "record", "--course", "3", "--session", "3.L1",
                     "--learner", "ana", "--learner", "bo", "--by", "tom"]) == 0
    assert cli.main(["attendance", "record", "--course", "3", "--session", "3.L2", "--learner", "bo", "--absent"]) == 0
    capsys.readouterr()
    assert cli.main(["attendance", "list", "--course", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["learner"], r["session"], r["present"]) for r in rows} == {
        ("ana", "3.L1", True), ("bo", "3.L1", True), ("bo", "3.L2", False)}
    out = tmp_path / "att.csv"
    assert cli.main(["attendance", "export", "--course", "3", "--out", str(out)]) == 0
    assert out.read_text().splitlines() == ["learner,3.L1,3.L2,3.L3", "ana,present,,", "bo,present,absent,"]
    assert cli.main(["attendance", "record", "--course", "3", "--session", "9.L9", "--learner", "ana"]) == 2
    assert "not a live session" in capsys.readouterr().err


def test_service_attendance_is_for_trainers_and_a_learner_reads_their_own_rules(mini):
    from test_service import Server, raw

    from sets_courseware.client import ServiceClient
    from sets_courseware.errors import SetsError
    server = Server(Store(f"sqlite:///{mini / 'svc.sqlite'}"))
    try:
        tom, ana = ServiceClient(server.url, token="tok-tom"), ServiceClient(server.url, token="tok-ana")
        tom.record_attendance("ana", "3", "3.L1", True)
        assert [(r["learner"], r["session"], r["present"], r["by"]) for r in tom.attendance("3")] == [
            ("ana", "3.L1", True, "tom")]
        with pytest.raises(SetsError, match="HTTP 403"):
            ana.record_attendance("ana", "3", "3.L2", True)
        with pytest.raises(SetsError, match="HTTP 403"):
            ana.attendance("3")
        status, _ = raw(server, "PUT", "api/attendance/3/3.L1/ana", token="tok-tom", body=b'{"present": "yes"}')
        assert status == 400
        verdict = ana.certification("ignored", "3")
        assert verdict.learner == "ana" and not verdict.eligible
        attendance = next(c for c in verdict.checks if c.rule == "attendance")
        assert attendance.values["attended"] == ["3.L1"]
    finally:
        server.stop()
