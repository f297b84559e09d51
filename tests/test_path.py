"""Path rules: mastered / suggested lessons / required module, course 2's mandatory rule, normalised gain."""

import pytest

from sets_courseware.content import Key, banks
from sets_courseware.path import Gain, PathRules, build_path, gains, score, subtopic_percent


def _keys():
    from sets_courseware.content import load_keys
    return load_keys()


def _answers(module, right, keys):
    """Answer the module's questions: the first `right` correctly, the others wrongly."""
    out = {}
    for i, q in enumerate(banks().module_questions(module)):
        k = keys[q.id].answer
        out[q.id] = k if i < right else ("a" if k != "a" else "b")
    return out


def test_statuses_from_scores(mini):
    keys = _keys()
    responses = _answers("3.2", 3, keys)
    results = score("3", banks().course_questions("3"), responses, keys)
    by = {r.module: r for r in results}
    assert (by["3.2"].correct, by["3.2"].total) == (3, 5)
    assert by["3.2"].missed_subtopics == ["3.2.4", "3.2.5"]
    path = {p.module: p for p in build_path("3", results, PathRules())}
    assert path["3.2"].status == "suggested" and path["3.2"].subtopics == ["3.2.4", "3.2.5"]
    responses = _answers("3.2", 5, keys)
    path = {p.module: p for p in build_path("3", score("3", banks().course_questions("3"), responses, keys))}
    assert path["3.2"].status == "mastered" and path["3.2"].subtopics == []
    responses = _answers("3.2", 1, keys)
    path = {p.module: p for p in build_path("3", score("3", banks().course_questions("3"), responses, keys))}
    assert path["3.2"].status == "required"
    assert path["3.2"].subtopics == ["3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5"]


def test_course2_suggested_module_becomes_mandatory(mini):
    keys = _keys()
    responses = {**_answers("2.1", 3, keys), **_answers("2.2", 4, keys), **_answers("2.3", 0, keys)}
    path = {p.module: p for p in build_path("2", score("2", banks().course_questions("2"), responses, keys))}
    assert path["2.1"].status == "required" and len(path["2.1"].subtopics) == 5
    assert path["2.2"].status == "mastered"
    assert path["2.3"].status == "required"


def test_thresholds_are_configurable(mini, monkeypatch):
    keys = _keys()
    results = score("3", banks().course_questions("3"), _answers("3.2", 4, keys), keys)
    monkeypatch.setenv("SETS_MASTERED_AT", "100")
    by = {p.module: p for p in build_path("3", results, PathRules.from_env())}
    assert by["3.2"].status == "suggested"
    monkeypatch.setenv("SETS_REQUIRED_BELOW", "101")
    with pytest.raises(ValueError, match="SETS_REQUIRED_BELOW"):
        PathRules.from_env()


def test_normalised_gain():
    assert Gain("1.1", 40, 70).gain == pytest.approx(0.5)
    assert Gain("1.1", 100, 100).gain is None
    assert Gain("1.1", 60, 40).gain == pytest.approx(-0.5)


def test_cohort_subtopic_percent(mini):
    keys = _keys()
    qs = banks().module_questions("3.2")
    pct = subtopic_percent(qs, [_answers("3.2", 5, keys), _answers("3.2", 0, keys)], keys)
    assert pct == {"3.2.1": 50.0, "3.2.2": 50.0, "3.2.3": 50.0, "3.2.4": 50.0, "3.2.5": 50.0}
