"""Live session 2: challenges picked for the cohort's weakest sub-topics; bad banks named."""

import pytest
import yaml

from sets_courseware.errors import ContentError
from sets_courseware.sessions import load_challenges, pick_challenges


def _bank(tmp_path, subtopics_per_challenge):
    text = {"title": "T", "situation": "S", "task": "Do", "debrief": "D"}
    data = {"course": "1", "challenges": [
        {"id": f"1.C{i}", "subtopics": sts, "minutes": 15, "fr": text, "en": text}
        for i, sts in enumerate(subtopics_per_challenge, start=1)]}
    path = tmp_path / "1.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_weakest_subtopics_first(tmp_path):
    pool = load_challenges(_bank(tmp_path, [["1.1.1"], ["1.2.3"], ["1.4.1", "1.4.4"], ["1.3.2"]]), "1")
    scores = {"1.1.1": 90, "1.2.3": 20, "1.4.1": 60, "1.4.4": 30, "1.3.2": 70}
    picked = pick_challenges("1", scores, n=2, pool=pool)
    assert [c.id for c in picked] == ["1.C2", "1.C3"]
    assert [c.id for c in pick_challenges("1", None, n=2, pool=pool)] == ["1.C1", "1.C2"]


def test_unknown_subtopic_in_bank_is_named(tmp_path):
    with pytest.raises(ContentError) as exc:
        load_challenges(_bank(tmp_path, [["2.1.1"]]), "1")
    assert "1.yaml" in str(exc.value) and "1.C1" in str(exc.value) and "2.1.1" in str(exc.value)
