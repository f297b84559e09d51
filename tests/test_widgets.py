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
    # One radio group per question, named by its prompt (the <legend> of its fieldset).
    assert mcq.radio.prompt == banks().summative["3.2.q1"].fr.prompt
    assert mcq.radio.number == "Question 1"
    assert mcq.radio.status == "Pas encore répondu"
    mcq.radio.value = "b"
    assert mcq.radio.status.endswith("Enregistré")


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


def _broken_cases(tmp_path):
    """(name, make(path), expected code): each way an answers file can be broken in a learner's folder."""
    def write(data: bytes):
        return lambda p: p.write_bytes(data)

    def symlink_to(target_text: str):
        def make(p):
            target = tmp_path / "elsewhere.yaml"
            target.write_text(target_text, encoding="utf-8")
            p.symlink_to(target)
        return make

    def huge(p):
        with open(p, "wb") as fh:  # a sparse 200 MB file: never read whole
            fh.truncate(200 * 1024 * 1024)
    return {
        "invalid_utf8": (write(b'{"answers": {"3.2.m1": "\xff"}}'), "not_utf8"),
        "deep_nesting": (write(b"[" * 20_000 + b"]" * 20_000), "nested"),
        "directory": (lambda p: p.mkdir(), "not_file"),
        "binary_junk": (write(bytes(range(256)) * 10), "not_utf8"),
        "huge": (huge, "too_big"),
        "symlink": (symlink_to("module: '3.2'\nkeys: {secret: b}\n"), "symlink"),
        "bad_choice": (write(b'{"answers": {"3.2.m1": "z"}}'), "bad_choice"),
        "not_a_mapping": (write(b'{"answers": ["b"]}'), "structure"),
    }


import pytest  # noqa: E402

BROKEN = ["invalid_utf8", "deep_nesting", "directory", "binary_junk", "huge", "symlink", "bad_choice", "not_a_mapping"]


@pytest.mark.parametrize("case", BROKEN)
@pytest.mark.parametrize("lang,word", [("fr", "illisible"), ("en", "could not be read")])
def test_quiz_survives_a_broken_answers_file(mini, tmp_path, case, lang, word):
    from sets_courseware.i18n import t
    make, code = _broken_cases(tmp_path)[case]
    path = answers_path("3.2", tmp_path)
    make(path)
    quiz = ModuleQuiz("3.2", banks().module_quiz("3.2"), lang, folder=tmp_path)
    warning = quiz.children[1].value
    assert word in warning and t(f"answers.{code}", lang).replace("'", "&#x27;") in warning
    assert [it.radio.value for it in quiz.items] == [None] * 8
    if case == "symlink":  # the link is dropped, what it pointed to is untouched and never copied
        assert not path.exists() and (tmp_path / "elsewhere.yaml").read_text().startswith("module")
        assert not list(tmp_path.glob("*.broken-*"))
    else:
        assert len(list(tmp_path.glob("sets-answers-3.2.json.broken-*"))) == 1
    quiz.items[0].radio.value = "c"
    assert read_answers(path) == {"3.2.m1": "c"}


def test_a_choice_that_could_not_be_saved_is_never_announced_as_saved(mini, tmp_path, monkeypatch):
    import os as _os
    quiz = ModuleQuiz("3.2", banks().module_quiz("3.2"), "en", folder=tmp_path)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(_os, "replace", full_disk)
    quiz.items[0].radio.value = "b"
    assert "Not saved" in quiz.items[0].radio.status and "Saved" not in quiz.items[0].radio.status
    assert "Saving failed" in quiz.progress.value
    monkeypatch.undo()
    quiz.items[0].radio.value = "c"
    assert quiz.items[0].radio.status.endswith("Saved") and read_answers(answers_path("3.2", tmp_path)) == {"3.2.m1": "c"}
