"""The quiz widget saves each choice atomically beside the notebook and resumes; broken files are kept aside."""

import json

from sets_courseware.answers import AnswerFile, answers_path, read_answers
from sets_courseware.content import banks
from sets_courseware.widgets import FormativeCheck, ModuleQuiz


def test_choice_saved_at_once_and_shown_on_reopen(mini, tmp_path):
    qs = banks().module_questions("3.2")
    quiz = ModuleQuiz("3.2", qs, "fr", folder=tmp_path)
    quiz.items[0].radio.value = "c"
    quiz.items[2].radio.value = "a"
    saved = json.loads(answers_path("3.2", tmp_path).read_text())
    assert saved["answers"] == {"3.2.q1": "c", "3.2.q3": "a"} and saved["module"] == "3.2"
    assert "2/5" in quiz.progress.value
    quiz.items[0].radio.value = "d"  # change of mind overwrites
    again = ModuleQuiz("3.2", qs, "en", folder=tmp_path)
    assert [it.radio.value for it in again.items] == ["d", None, "a", None, None]
    assert not list(tmp_path.glob("*.tmp")), "temporary files must not be left behind"


def test_quiz_labels_are_accessible(mini, tmp_path):
    quiz = ModuleQuiz("3.2", banks().module_questions("3.2"), "fr", folder=tmp_path)
    mcq = quiz.items[0]
    assert mcq.radio.options[0][0].startswith("a) ")
    assert "role=\"heading\"" in mcq.children[0].value
    assert mcq.radio.tooltip == banks().summative["3.2.q1"].fr.prompt


def test_corrupted_answers_file_kept_aside_and_quiz_starts_clean(mini, tmp_path):
    path = answers_path("3.2", tmp_path)
    path.write_text('{"answers": {"3.2.q1": "b", ', encoding="utf-8")
    quiz = ModuleQuiz("3.2", banks().module_questions("3.2"), "fr", folder=tmp_path)
    warning = quiz.children[1].value
    assert "illisible" in warning and "broken" in warning
    assert [it.radio.value for it in quiz.items] == [None] * 5
    aside = list(tmp_path.glob("sets-answers-3.2.json.broken-*"))
    assert len(aside) == 1 and aside[0].read_text() == '{"answers": {"3.2.q1": "b", '
    quiz.items[1].radio.value = "b"
    assert read_answers(path) == {"3.2.q2": "b"}


def test_wrong_shape_is_reported_with_field(tmp_path):
    path = answers_path("3.2", tmp_path)
    path.write_text('{"answers": ["b"]}', encoding="utf-8")
    f = AnswerFile("3.2", tmp_path)
    assert f.answers == {} and "answers" in f.problem


def test_formative_check_gives_feedback_for_each_option(mini):
    item = banks().formative_item("3.2.1.f1")
    check = FormativeCheck(item, "en")
    check.radio.value = 1
    assert "Not quite" in check.feedback.value and "It is not false." in check.feedback.value
    check.radio.value = 0
    assert "Correct" in check.feedback.value and "It is true." in check.feedback.value
