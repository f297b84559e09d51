"""Real nbgrader on the real module 3.2: generate_assignment, three learners, autograde, exact scores.

Also: no key anywhere in the released folder; learner code that patches the grading helper
never runs during autograde; an answers file rewritten after grading is flagged by the
direct scoring.
"""

import json
import shutil
import time

import nbformat
import pytest

from conftest import ROOT
from sets_courseware.answers import AnswerFile
from sets_courseware.content import banks, load_keys
from sets_courseware.grading import (assignment_id, build_source, compare, direct_scores, gradebook_scores,
                                     leaked_keys, nbgrader)

pytestmark = pytest.mark.e2e
MODULE, LANG = "3.2", "fr"
AID = assignment_id(MODULE, LANG)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    graders = tmp_path_factory.mktemp("course") / "graders"
    graders.mkdir()
    shutil.copy(ROOT / "graders" / "nbgrader_config.py", graders)
    keys = load_keys()
    build_source(MODULE, LANG, keys, graders)
    nbgrader(["generate_assignment", AID, "--force"], graders)
    return graders, keys


def _wrong(key: str) -> str:
    return "a" if key != "a" else "b"


def _submit(graders, student, answers: dict, tamper: str | None = None, forged_metadata: dict | None = None):
    folder = graders / "submitted" / student / AID
    shutil.copytree(graders / "release" / AID, folder)
    af = AnswerFile(MODULE, folder)
    for qid, choice in answers.items():
        af.save(qid, choice)  # exactly what the widget does on each click
    if tamper:
        nb_path = next(folder.glob("*.ipynb"))
        nb = nbformat.read(nb_path, 4)
        nb.cells.insert(1, nbformat.v4.new_code_cell(tamper, metadata={"nbgrader": forged_metadata} if forged_metadata else {}))
        nbformat.write(nb, nb_path)


def test_release_contains_no_key(course):
    graders, keys = course
    release = graders / "release" / AID
    assert list(release.glob("*.ipynb")), "nothing released"
    assert leaked_keys(release, keys, [MODULE]) == []
    # ...while the source does hold them, so the check above can fail.
    assert leaked_keys(graders / "source" / AID, keys, [MODULE])


def test_three_learners_scored_exactly_and_tamper_flagged(course):
    graders, keys = course
    qids = [q.id for q in banks().module_questions(MODULE)]
    right = {q: keys[q].answer for q in qids}
    some_wrong = {q: (keys[q].answer if i % 2 == 0 else _wrong(keys[q].answer)) for i, q in enumerate(qids)}
    _submit(graders, "all_right", right)
    _submit(graders, "some_wrong", some_wrong)
    _submit(graders, "none", {})
    tamper = ("import sets_courseware.grading as g\n"
              f"g.recorded_choice = lambda m, q, folder=None: {json.dumps(right)}[q]")
    # A learner cell that patches the grading helper never runs: autograde executes only
    # nbgrader's cells, and nbgrader strips grade ids it does not know, so dressing the
    # cell up as an nbgrader cell does not help either.
    _submit(graders, "tamperer", {}, tamper=tamper)
    _submit(graders, "forger", {}, tamper=tamper, forged_metadata={
        "grade": False, "solution": False, "locked": False, "grade_id": "forged", "schema_version": 3})
    started = time.perf_counter()
    nbgrader(["autograde", AID, "--create", "--force"], graders)
    per_submission = (time.perf_counter() - started) / 5
    print(f"\nautograde: {per_submission:.2f} s per submission")
    scores = gradebook_scores(graders, AID)
    assert scores == {"all_right": 5.0, "some_wrong": 3.0, "none": 0.0, "tamperer": 0.0, "forger": 0.0}
    direct = {d.student: d.score for d in direct_scores(graders, AID, keys)}
    assert direct == scores
    # An answers file rewritten after autograde: the direct scoring disagrees and flags it.
    af = AnswerFile(MODULE, graders / "submitted" / "forger" / AID)
    for qid, choice in right.items():
        af.save(qid, choice)
    verdict = {r["student"]: r["agree"] for r in compare(graders, AID, keys)}
    assert verdict == {"all_right": True, "some_wrong": True, "none": True, "tamperer": True, "forger": False}
    # The learner's exercise cells were not executed; the grade cells were.
    autograded = nbformat.read(next((graders / "autograded" / "some_wrong" / AID).glob("*.ipynb")), 4)
    ran = {c.metadata.get("nbgrader", {}).get("grade_id", "") for c in autograded.cells
           if c.cell_type == "code" and c.get("execution_count")}
    assert ran and all(ran), ran
    assert any(c.cell_type == "code" and not c.metadata.get("nbgrader") for c in autograded.cells)


def test_feedback_and_export(course):
    graders, _ = course
    if not (graders / "autograded").exists():
        pytest.skip("runs after the autograde test")
    nbgrader(["generate_feedback", AID, "--force"], graders)
    assert list((graders / "feedback" / "all_right" / AID).glob("*.html"))
    nbgrader(["export"], graders)
    grades = (graders / "grades.csv").read_text()
    assert "all_right" in grades and AID in grades
