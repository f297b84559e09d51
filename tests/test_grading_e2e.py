"""Real nbgrader on the real module 3.2: release, a cohort of good and bad submissions graded in
one parallel batch, feedback that teaches, export.

Every bad submission is graded or set aside with a reason, and the rest of the batch goes on;
nothing from a learner's folder but the feedback report reaches feedback/; no key of an
assessment item and no hidden test reaches release/ or feedback/.
"""

from __future__ import annotations

import csv
import json
import os
import shutil

import nbformat
import pytest

from conftest import ROOT
from sets_courseware.answers import AnswerFile, answers_path
from sets_courseware.batch import grade_all, summary_table
from sets_courseware.content import banks, load_keys, load_quiz_keys
from sets_courseware.grading import (assignment_id, build_source, compare, gradebook_scores, leaked_keys,
                                     nbgrader)

pytestmark = pytest.mark.e2e
MODULE, LANG = "3.2", "fr"
AID = assignment_id(MODULE, LANG)


def _wrong(key: str) -> str:
    return "a" if key != "a" else "b"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    graders = tmp_path_factory.mktemp("course") / "graders"
    graders.mkdir()
    shutil.copy(ROOT / "graders" / "nbgrader_config.py", graders)
    keys = load_quiz_keys()
    build_source(MODULE, LANG, keys, graders)
    nbgrader(["generate_assignment", AID, "--force"], graders)
    return graders, keys


def _folder(graders, student):
    folder = graders / "submitted" / student / AID
    shutil.copytree(graders / "release" / AID, folder)
    return folder


def _answer(folder, answers: dict):
    af = AnswerFile(MODULE, folder)
    for qid, choice in answers.items():
        af.save(qid, choice)  # exactly what the widget does on each click


def _add_cell(folder, source: str, metadata: dict | None = None, index: int = 1):
    nb_path = next(folder.glob("*.ipynb"))
    nb = nbformat.read(nb_path, 4)
    nb.cells.insert(index, nbformat.v4.new_code_cell(source, metadata=metadata or {}))
    nbformat.write(nb, nb_path)


def _edit_grade_cells(folder, fn):
    nb_path = next(folder.glob("*.ipynb"))
    nb = nbformat.read(nb_path, 4)
    nb.cells = fn(nb.cells)
    nbformat.write(nb, nb_path)


@pytest.fixture(scope="module")
def batch(course):
    """One cohort, one `grade_all` run: the grader's real situation."""
    graders, keys = course
    qids = [q.id for q in banks().module_quiz(MODULE)]
    right = {q: keys[q].answer for q in qids}
    some_wrong = {q: (keys[q].answer if i % 2 == 0 else _wrong(keys[q].answer)) for i, q in enumerate(qids)}
    all_wrong = {q: _wrong(keys[q].answer) for q in qids}
    answers_name = answers_path(MODULE, graders).name

    _answer(_folder(graders, "all_right"), right)
    _answer(_folder(graders, "some_wrong"), some_wrong)
    _answer(_folder(graders, "all_wrong"), all_wrong)
    _folder(graders, "none")

    (_folder(graders, "invalid_utf8") / answers_name).write_bytes(b'{"answers": {"3.2.m1": "\xff"}}')
    (_folder(graders, "deep_nesting") / answers_name).write_bytes(b"[" * 20_000 + b"]" * 20_000)
    (_folder(graders, "directory") / answers_name).mkdir()
    (_folder(graders, "binary_junk") / answers_name).write_bytes(os.urandom(4096))
    with open(_folder(graders, "huge_answers") / answers_name, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    (_folder(graders, "link_to_other") / answers_name).symlink_to(
        graders / "submitted" / "all_right" / AID / answers_name)
    (_folder(graders, "link_to_keys") / answers_name).symlink_to(ROOT / "graders" / "keys" / "quiz" / f"{MODULE}.yaml")
    folder = _folder(graders, "link_in_subfolder")
    _answer(folder, some_wrong)
    (folder / "data").mkdir()
    (folder / "data" / "keys.yaml").symlink_to(ROOT / "graders" / "keys" / f"{MODULE}.yaml")
    (_folder(graders, "unknown_ids") / answers_name).write_text(json.dumps(
        {"answers": {**right, "3.2.m99": "a", "9.9.q1": "b"}}), encoding="utf-8")
    (_folder(graders, "bad_choices") / answers_name).write_text(json.dumps(
        {"answers": {**right, "3.2.m1": "z"}}), encoding="utf-8")

    folder = _folder(graders, "deleted_grade_cell")
    _answer(folder, right)
    _edit_grade_cells(folder, lambda cells: [c for c in cells if c.metadata.get("sets", {}).get("question") != "3.2.m1"])
    folder = _folder(graders, "edited_grade_cell")
    _answer(folder, some_wrong)

    def pass_everything(cells):
        for c in cells:
            if c.metadata.get("sets", {}).get("role") == "grade":
                c.source = "choice = 'whatever'  # learner edit: always pass"
        return cells
    _edit_grade_cells(folder, pass_everything)
    folder = _folder(graders, "forged_cell_id")
    _answer(folder, right)
    _add_cell(folder, "print('forged')", {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": 5,
                                                       "grade_id": "forged", "schema_version": 3}})
    # A package placed beside the notebook, shadowing the grading helper: it would give full marks.
    folder = _folder(graders, "shadow_package")
    _answer(folder, all_wrong)
    (folder / "sets_courseware").mkdir()
    (folder / "sets_courseware" / "__init__.py").write_text("")
    (folder / "sets_courseware" / "answers.py").write_text(
        "def saved_choice(module_id, qid, folder=None):\n"
        f"    return {json.dumps(right)}[qid]\n")
    folder = _folder(graders, "loops_forever")
    _answer(folder, some_wrong)
    _add_cell(folder, "while True:\n    pass")
    folder = _folder(graders, "prints_gigabytes")
    _answer(folder, some_wrong)
    _add_cell(folder, "import sys\nfor _ in range(10**6):\n    sys.stdout.write('x' * 10**6)")
    folder = _folder(graders, "no_notebook")
    _answer(folder, right)
    next(folder.glob("*.ipynb")).unlink()
    folder = _folder(graders, "junk_notebook")
    _answer(folder, right)
    next(folder.glob("*.ipynb")).write_bytes(os.urandom(2048))

    outcomes = {o.student: o for o in grade_all(graders, AID, workers=2, timeout=120, progress=False)}
    print("\n" + summary_table(list(outcomes.values())))
    return graders, keys, outcomes, {"right": right, "some_wrong": some_wrong, "all_wrong": all_wrong}


def test_release_contains_no_key(course):
    graders, keys = course
    release = graders / "release" / AID
    assert list(release.glob("*.ipynb")), "nothing released"
    assert leaked_keys(release, keys, [MODULE]) == []
    assert leaked_keys(release) == []  # nor any assessment item's explanation
    # ...while the source does hold them, so the check above can fail.
    assert leaked_keys(graders / "source" / AID, keys, [MODULE])


def test_release_asks_the_module_quiz_not_the_assessment_items(course):
    graders, _ = course
    nb = nbformat.read(next((graders / "release" / AID).glob("*.ipynb")), 4)
    text = json.dumps(nb)
    assert "3.2.m1" in text and "3.2.m8" in text
    assert "3.2.q1" not in text


def test_good_submissions_scored_exactly_and_agree(batch):
    _, _, out, _ = batch
    expected = {"all_right": 8.0, "some_wrong": 4.0, "all_wrong": 0.0, "none": 0.0}
    for student, score in expected.items():
        o = out[student]
        assert (o.status, o.nbgrader, o.direct, o.agree) == ("graded", score, score, True), o


@pytest.mark.parametrize("student,reason", [
    ("invalid_utf8", "not UTF-8"),
    ("deep_nesting", "nested too deeply"),
    ("directory", "not a regular file"),
    ("binary_junk", ""),
    ("huge_answers", "limit 65,536"),
    ("link_to_other", "symbolic link"),
    ("link_to_keys", "symbolic link"),
    ("bad_choices", "one of the letters"),
])
def test_broken_answers_file_graded_as_unanswered_and_flagged(batch, student, reason):
    _, _, out, _ = batch
    o = out[student]
    assert o.status == "flagged" and o.nbgrader == 0.0 and o.direct == 0.0 and o.agree, o
    assert reason in "; ".join(o.reasons)


def test_unknown_question_ids_flagged_and_known_ones_graded(batch):
    o = batch[2]["unknown_ids"]
    assert (o.status, o.nbgrader, o.direct) == ("flagged", 8.0, 8.0)
    assert "3.2.m99" in "; ".join(o.reasons)


def test_link_in_a_subfolder_is_left_out(batch):
    graders, _, out, _ = batch
    o = out["link_in_subfolder"]
    assert (o.status, o.nbgrader) == ("flagged", 4.0) and "unexpected files left out of grading: data" in o.reasons[0]
    assert not (graders / "autograded" / "link_in_subfolder" / AID / "data").exists()


def test_deleted_grade_cell_is_flagged_by_the_direct_score(batch):
    o = batch[2]["deleted_grade_cell"]
    assert o.status == "flagged" and o.nbgrader == 7.0 and o.direct == 8.0 and not o.agree


def test_edited_grade_cell_is_restored_by_nbgrader(batch):
    o = batch[2]["edited_grade_cell"]
    assert (o.status, o.nbgrader, o.direct, o.agree) == ("graded", 4.0, 4.0, True)


def test_forged_cell_id_sets_that_submission_aside_and_the_batch_goes_on(batch):
    _, _, out, _ = batch
    o = out["forged_cell_id"]
    assert o.status == "set aside" and o.nbgrader is None and o.reasons and o.reasons[0].startswith("nbgrader")
    assert sum(x.status != "set aside" for x in out.values()) >= 18


def test_shadow_package_is_never_imported(batch):
    graders, _, out, _ = batch
    o = out["shadow_package"]
    assert (o.nbgrader, o.direct) == (0.0, 0.0)
    assert "unexpected files left out of grading: sets_courseware" in "; ".join(o.reasons)
    assert not (graders / "autograded" / "shadow_package" / AID / "sets_courseware").exists()


@pytest.mark.parametrize("student", ["loops_forever", "prints_gigabytes"])
def test_learner_code_never_runs_on_the_grader(batch, student):
    o = batch[2][student]
    assert (o.status, o.nbgrader, o.direct) == ("graded", 4.0, 4.0) and o.seconds < 60, o


@pytest.mark.parametrize("student,reason", [("no_notebook", "missing"), ("junk_notebook", "not a valid notebook")])
def test_unusable_notebook_set_aside_with_reason(batch, student, reason):
    o = batch[2][student]
    assert o.status == "set aside" and reason in o.reasons[0], o


def test_grading_kernel_cannot_import_from_the_submission_folder(tmp_path):
    """The kernel runs in the submission's folder; with PYTHONSAFEPATH (as batch workers set it)
    a package there does not shadow the installed one. Without it, it does: the test can fail."""
    from jupyter_client.manager import start_new_kernel
    (tmp_path / "sets_courseware").mkdir()
    (tmp_path / "sets_courseware" / "__init__.py").write_text("SHADOW = True\n")

    def imported(env_extra):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
        km, kc = start_new_kernel(cwd=str(tmp_path), env={**env, **env_extra})
        try:
            got = []
            kc.execute_interactive("import sets_courseware; print(getattr(sets_courseware, 'SHADOW', False))",
                                   output_hook=lambda m: got.append(m["content"].get("text", "")), timeout=30)
            return "".join(got).strip()
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    assert imported({"PYTHONSAFEPATH": "1"}) == "False"
    assert imported({}) == "True"


def test_wall_clock_limit_stops_a_submission_and_its_kernel(course, tmp_path):
    import psutil
    graders, keys = course
    _answer(_folder(graders, "slowpoke"), {})
    kernels_before = {p.pid for p in psutil.Process().children(recursive=True)}
    out = grade_all(graders, AID, students=["slowpoke"], workers=1, timeout=0.3, progress=False)
    assert out[0].status == "set aside" and "longer than 0.3 s" in out[0].reasons[0]
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= kernels_before


def test_feedback_teaches_and_leaks_nothing(batch, monkeypatch):
    graders, keys, _, answers = batch
    monkeypatch.setenv("SETS_FEEDBACK_ANSWERS", "always")
    nbgrader(["generate_feedback", AID, "--force"], graders)
    html_all_wrong = next((graders / "feedback" / "all_wrong" / AID).glob("*.html")).read_text(encoding="utf-8")
    for qid in answers["all_wrong"]:
        assert keys[qid].why.fr.replace("'", "&#x27;")[:60] in html_all_wrong.replace("&#39;", "&#x27;") or \
            keys[qid].why.fr[:60] in html_all_wrong
    assert "Bonne réponse" in html_all_wrong and "Score : 0 / 8" in html_all_wrong
    # No assessment item's key, no hidden test, assertion or traceback, under release/ or feedback/.
    assessment_keys = load_keys()
    for folder in (graders / "release", graders / "feedback"):
        assert leaked_keys(folder, assessment_keys) == []
    # Only HTML reports in feedback/: not the answers file, never a linked key file.
    files = [p for p in (graders / "feedback").rglob("*") if p.is_file() or p.is_symlink()]
    assert files and all((p.suffix == ".html" or p.name in ("timestamp.txt", "submission_secret.txt"))
                         and not p.is_symlink() for p in files), files
    key_text = (ROOT / "graders" / "keys" / "quiz" / f"{MODULE}.yaml").read_text(encoding="utf-8")
    assert all(key_text not in p.read_text(encoding="utf-8") for p in files)


def test_feedback_can_hold_answers_until_the_due_date(batch, monkeypatch):
    graders, keys, _, _ = batch
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graders / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(AID, duedate="2999-01-01 00:00:00")
    try:
        monkeypatch.setenv("SETS_FEEDBACK_ANSWERS", "after_due_date")
        nbgrader(["generate_feedback", AID, "--student", "all_wrong", "--force"], graders)
        page = next((graders / "feedback" / "all_wrong" / AID).glob("*.html")).read_text(encoding="utf-8")
        assert "après la date limite (2999-01-01" in page and "Bonne réponse" not in page
        assert not any(k.why.fr[:40] in page for k in keys.values())
    finally:
        with Gradebook(f"sqlite:///{graders / 'gradebook.db'}") as gb:
            gb.update_or_create_assignment(AID, duedate=None)


def test_answers_rewritten_after_autograde_are_flagged_by_compare(batch):
    graders, keys, _, answers = batch
    af = AnswerFile(MODULE, graders / "submitted" / "all_wrong" / AID)
    for qid, choice in answers["right"].items():
        af.save(qid, choice)
    verdict = {r["student"]: r["agree"] for r in compare(graders, AID, keys)}
    assert verdict["all_wrong"] is False and verdict["all_right"] is True


def test_export_lists_every_submission_with_its_status(batch):
    graders, _, out, _ = batch
    from sets_courseware.cli import main
    assert main(["grade", "export", "--graders", str(graders)]) == 0
    assert "all_right" in (graders / "grades.csv").read_text()
    rows = {r["student"]: r for r in csv.DictReader(open(graders / "grades-status.csv", encoding="utf-8"))}
    assert set(out) <= set(rows)
    assert rows["forged_cell_id"]["status"] == "set aside" and rows["forged_cell_id"]["reasons"]
    assert rows["all_right"]["status"] == "graded"
    assert gradebook_scores(graders, AID)["all_right"] == 8.0


def test_competence_mcq_released_graded_and_fed_back(tmp_path, monkeypatch):
    """The course's competence MCQ goes through the same pipeline as a module quiz."""
    from sets_courseware.content import load_competence_keys
    from sets_courseware.grading import release
    graders = tmp_path / "graders"
    graders.mkdir()
    shutil.copy(ROOT / "graders" / "nbgrader_config.py", graders)
    assert release(["c3"], ["en"], graders) == ["c3_en"]
    assert leaked_keys(graders / "release" / "c3_en", load_competence_keys()) == []
    keys = load_competence_keys()
    qids = [q.id for q in banks().competence_questions("3")]
    assert len(qids) == 15
    for student, n_right in (("ana", 15), ("bo", 9)):
        folder = graders / "submitted" / student / "c3_en"
        shutil.copytree(graders / "release" / "c3_en", folder)
        af = AnswerFile("c3", folder)
        for i, q in enumerate(qids):
            af.save(q, keys[q].answer if i < n_right else _wrong(keys[q].answer))
    out = {o.student: o for o in grade_all(graders, "c3_en", progress=False)}
    assert {s: (o.status, o.nbgrader, o.direct) for s, o in out.items()} == {
        "ana": ("graded", 15.0, 15.0), "bo": ("graded", 9.0, 9.0)}
    monkeypatch.setenv("SETS_FEEDBACK_ANSWERS", "always")
    nbgrader(["generate_feedback", "c3_en", "--force"], graders)
    page = next((graders / "feedback" / "bo" / "c3_en").glob("*.html")).read_text(encoding="utf-8")
    assert "course 3 competence MCQ" in page and "Score: 9 / 15" in page and "Right answer" in page
    assert leaked_keys(graders / "feedback", load_keys()) == []
