"""`sets validate` rejects malformed banks and keys, naming the file, the question id and the field."""

import os
import subprocess

import pytest
import yaml

from conftest import bin_path, mini_bank, write_content
from sets_courseware.content import _collect_banks, catalog, load_keys
from sets_courseware.errors import ContentErrors


def _dump(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _problems(banks_dir):
    _, errors = _collect_banks(catalog(), banks_dir / "summative", banks_dir / "formative")
    return [str(e) for e in errors]


def test_valid_mini_bank_passes(tmp_path):
    banks_dir, keys_dir = write_content(tmp_path)
    banks, errors = _collect_banks(catalog(), banks_dir / "summative", banks_dir / "formative")
    assert errors == []
    assert len(load_keys(keys_dir, banks)) == 5


def test_duplicate_question_id(tmp_path):
    banks_dir, _ = write_content(tmp_path)
    summ, _, _ = mini_bank()
    summ["questions"][1]["id"] = "3.2.q1"
    _dump(banks_dir / "summative" / "3.2.yaml", summ)
    [p] = _problems(banks_dir)
    assert "3.2.yaml" in p and "id 3.2.q1" in p and "field 'id'" in p and "duplicate" in p


def test_unknown_subtopic_and_missing_translation(tmp_path):
    banks_dir, _ = write_content(tmp_path)
    summ, _, _ = mini_bank()
    summ["questions"][2]["subtopics"] = ["3.2.9"]
    del summ["questions"][3]["en"]
    _dump(banks_dir / "summative" / "3.2.yaml", summ)
    problems = _problems(banks_dir)
    assert any("id 3.2.q4" in p and "field 'en'" in p for p in problems), problems


def test_unknown_subtopic_named(tmp_path):
    banks_dir, _ = write_content(tmp_path)
    summ, _, _ = mini_bank()
    summ["questions"][2]["subtopics"] = ["3.2.9"]
    _dump(banks_dir / "summative" / "3.2.yaml", summ)
    [p] = _problems(banks_dir)
    assert "id 3.2.q3" in p and "field 'subtopics'" in p and "3.2.9" in p


@pytest.mark.parametrize("n_correct", [0, 2])
def test_formative_needs_exactly_one_correct(tmp_path, n_correct):
    banks_dir, _ = write_content(tmp_path)
    _, _, form = mini_bank()
    for lang in ("fr", "en"):
        for i, choice in enumerate(form["items"][0][lang]["choices"]):
            choice["correct"] = i < n_correct
    _dump(banks_dir / "formative" / "3.2.yaml", form)
    problems = _problems(banks_dir)
    assert any("id 3.2.1.f1" in p and "field 'fr.choices'" in p and f"has {n_correct}" in p for p in problems), problems


def test_summative_key_with_two_answers_or_none(tmp_path):
    banks_dir, keys_dir = write_content(tmp_path)
    _, keys, _ = mini_bank()
    keys["keys"]["3.2.q2"]["answer"] = ["a", "b"]
    del keys["keys"]["3.2.q3"]["answer"]
    _dump(keys_dir / "3.2.yaml", keys)
    banks, _ = _collect_banks(catalog(), banks_dir / "summative", banks_dir / "formative")
    with pytest.raises(ContentErrors) as exc:
        load_keys(keys_dir, banks)
    text = str(exc.value)
    assert "id 3.2.q2" in text and "answer" in text
    assert "id 3.2.q3" in text


def test_key_for_unknown_question_and_question_without_key(tmp_path):
    banks_dir, keys_dir = write_content(tmp_path)
    _, keys, _ = mini_bank()
    keys["keys"]["3.2.q9"] = keys["keys"].pop("3.2.q5")
    _dump(keys_dir / "3.2.yaml", keys)
    banks, _ = _collect_banks(catalog(), banks_dir / "summative", banks_dir / "formative")
    with pytest.raises(ContentErrors) as exc:
        load_keys(keys_dir, banks)
    text = str(exc.value)
    assert "3.2.yaml, id 3.2.q9" in text and "unknown question" in text
    assert "id 3.2.q5" in text and "no key" in text


def test_cli_validate_fails_on_malformed_bank_and_writes_nothing(tmp_path):
    banks_dir, keys_dir = write_content(tmp_path)
    (banks_dir / "summative" / "3.2.yaml").write_text("module: '3.2'\nquestions: [ {id: 3.2.q1, \n", encoding="utf-8")
    before = sorted(p for p in tmp_path.rglob("*"))
    env = {**os.environ, "SETS_BANKS_DIR": str(banks_dir), "SETS_KEYS_DIR": str(keys_dir),
           "SETS_HOME": str(tmp_path / "home")}
    proc = subprocess.run([bin_path("sets"), "validate", "--no-notebooks", "--partial"], capture_output=True,
                          text=True, env=env)
    assert proc.returncode != 0
    assert "3.2.yaml" in proc.stderr and "not valid YAML" in proc.stderr and "line" in proc.stderr
    assert sorted(p for p in tmp_path.rglob("*")) == before


def _quiz_problems(banks_dir):
    _, errors = _collect_banks(catalog(), banks_dir / "summative", banks_dir / "formative", banks_dir / "quiz")
    return [str(e) for e in errors]


def test_module_quiz_item_may_not_repeat_an_assessment_item(tmp_path):
    """Feedback teaches quiz keys: a quiz item equal to an assessment item would reveal its key."""
    from conftest import mini_quiz
    banks_dir, _ = write_content(tmp_path)
    quiz, _ = mini_quiz()
    summ, _, _ = mini_bank()
    quiz["questions"][4]["fr"]["prompt"] = summ["questions"][1]["fr"]["prompt"]
    _dump(banks_dir / "quiz" / "3.2.yaml", quiz)
    [p] = _quiz_problems(banks_dir)
    assert "id 3.2.m5" in p and "same prompt as assessment item 3.2.q2" in p


def test_module_quiz_ids_and_keys_checked(tmp_path):
    from conftest import mini_quiz
    from sets_courseware.content import load_banks, load_quiz_keys
    banks_dir, keys_dir = write_content(tmp_path)
    quiz, quiz_keys = mini_quiz()
    quiz["questions"][0]["id"] = "3.2.q9"
    _dump(banks_dir / "quiz" / "3.2.yaml", quiz)
    assert any("id 3.2.q9" in p and "'3.2.mN'" in p for p in _quiz_problems(banks_dir))
    quiz, _ = mini_quiz()
    _dump(banks_dir / "quiz" / "3.2.yaml", quiz)
    del quiz_keys["keys"]["3.2.m3"]["why"]
    _dump(keys_dir / "quiz" / "3.2.yaml", quiz_keys)
    banks = load_banks(banks_dir / "summative", banks_dir / "formative", quiz_dir=banks_dir / "quiz")
    with pytest.raises(ContentErrors, match="3.2.m3.*explanation"):
        load_quiz_keys(keys_dir, banks)
