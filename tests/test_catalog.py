"""The catalog: 3 courses, 11 modules, 52 sub-topics, unique ids, and the JSON the CLI prints."""

import json
import subprocess

import pytest

from conftest import bin_path
from sets_courseware.content import catalog, load_catalog
from sets_courseware.errors import ContentErrors, UnknownIdError


def test_counts_and_unique_ids():
    cat = catalog()
    assert len(cat.courses) == 3
    assert len(cat.modules) == 11
    ids = [s.id for c in cat.courses for s in c.subtopics]
    assert len(ids) == 52 and len(set(ids)) == 52
    assert [len(c.subtopics) for c in cat.courses] == [17, 20, 15]
    all_ids = [c.id for c in cat.courses] + [m.id for m in cat.modules] + ids
    assert len(all_ids) == len(set(all_ids))


def test_completed_subtopics_are_marked():
    cat = catalog()
    completed = sorted(s.id for c in cat.courses for s in c.subtopics if s.completed)
    assert completed == ["1.3.2", "1.3.3", "1.3.4", "1.3.5"]
    assert [s.origin for s in cat.module("3.4").subtopics] == ["overview", "overview"]


def test_course2_suggested_modules_are_mandatory_and_live_sessions():
    cat = catalog()
    assert cat.course("2").path_rule == "mandatory"
    assert {c.path_rule for c in cat.courses if c.id != "2"} == {"suggest"}
    for c in cat.courses:
        assert [s.kind for s in c.live_sessions] == ["launch", "intermediate", "final"]
        assert all(s.duration_min == 90 and s.agenda for s in c.live_sessions)
        assert c.eqf_level == 4


def test_cli_catalog_json_shape():
    out = subprocess.run([bin_path("sets"), "catalog", "--json"], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    assert len(data["courses"]) == 3
    c = data["courses"][0]
    assert set(c["title"]) == {"fr", "en"}
    m = c["modules"][0]
    assert {"id", "title", "subtopics"} <= set(m)
    assert {"id", "title"} <= set(m["subtopics"][0])
    assert sum(len(m["subtopics"]) for c in data["courses"] for m in c["modules"]) == 52


def test_unknown_ids_are_clear_errors():
    with pytest.raises(UnknownIdError, match="unknown module '9.9'"):
        catalog().module("9.9")
    with pytest.raises(UnknownIdError, match="unknown course 'x'"):
        catalog().course("x")


def test_malformed_catalog_names_file_and_field(tmp_path):
    from sets_courseware.settings import DATA_DIR
    text = (DATA_DIR / "catalog.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "catalog.yaml"
    bad.write_text(text.replace('{id: "1.1.2", title: {fr: "Le spectre de l\'entrepreneuriat social", en: "The spectrum of social entrepreneurship"}}',
                                '{id: "1.1.1", title: {fr: "Doublon", en: "Duplicate"}}'), encoding="utf-8")
    with pytest.raises(ContentErrors) as exc:
        load_catalog(bad)
    assert "catalog.yaml" in str(exc.value) and "id 1.1.1" in str(exc.value) and "duplicate" in str(exc.value)
    bad.write_text(text.replace('en: "Inclusive design"', 'de: "Inklusives Design"'), encoding="utf-8")
    with pytest.raises(ContentErrors, match="en"):
        load_catalog(bad)
