"""Lesson sources: directives parsed, errors named by file and line, parity detected."""

import pytest

from sets_courseware.authoring import build_notebook, parity_problems, parse_source, structure
from sets_courseware.errors import ContentErrors

GOOD = """+++ intro
# Module 3.2
Objectifs.
+++ section 3.2.1
Une leçon.
+++ check 3.2.1.f1 3.2.1.f2
+++ exercise
Faites ceci.
+++ code
print("ok")
+++ quiz
+++ summary
Résumé.
"""


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_build_structure_and_anchor(tmp_path):
    src = parse_source(_write(tmp_path, "3.2.fr.md", GOOD))
    nb = build_notebook(src)
    roles = [c.metadata["sets"]["role"] for c in nb.cells]
    assert roles == ["setup", "intro", "lesson", "check", "exercise", "code", "quiz", "summary"]
    assert nb.cells[2].source.startswith("## 3.2.1 Dépendance excessive")
    assert nb.cells[3].source == "nb.check('3.2.1.f1')\nnb.check('3.2.1.f2')"
    assert nb.cells[4].metadata["sets"]["subtopic"] == "3.2.1"
    assert nb.cells[0].source.endswith("Lesson('3.2', 'fr')")


@pytest.mark.parametrize("text, needle", [
    ("intro text\n+++ intro\nx", "text before the first"),
    ("+++ sectoin 3.2.1\nx", "unknown directive '+++ sectoin'"),
    ("+++ section 3.3.1\nx", "needs one sub-topic id of this unit"),
    ("+++ intro\nTODO écrire", "placeholder"),
    ("+++ intro\n\n+++ summary\nfin", "empty '+++ intro'"),
])
def test_errors_name_file_and_line(tmp_path, text, needle):
    with pytest.raises(ContentErrors) as exc:
        parse_source(_write(tmp_path, "3.2.fr.md", text))
    assert "3.2.fr.md" in str(exc.value) and "line" in str(exc.value) and needle in str(exc.value)


def test_parity_detects_a_missing_check(tmp_path):
    fr = build_notebook(parse_source(_write(tmp_path, "3.2.fr.md", GOOD)))
    en = build_notebook(parse_source(_write(tmp_path, "3.2.en.md", GOOD.replace(" 3.2.1.f2", ""))))
    assert parity_problems(fr, fr, "x") == []
    assert structure(fr) != structure(en)
    assert "cell 3 differs" in parity_problems(fr, en, "module_3_2.ipynb")[0]


def test_glossary_notebooks_list_every_entry_and_lessons_link_to_them(tmp_path):
    import nbformat as _nbf
    import yaml as _yaml

    from sets_courseware.authoring import GLOSSARY_NOTEBOOK, glossary_notebooks, glossary_path
    from sets_courseware.content import load_glossary
    from sets_courseware.errors import ContentErrors
    built = {str(p): nb for p, nb in glossary_notebooks()}
    for course in ("1", "2", "3"):
        entries = load_glossary(glossary_path(course)).entries
        assert len(entries) >= 20
        for lang in ("fr", "en"):
            folder = {"1": "course1_ess", "2": "course2_digital", "3": "course3_ai"}[course]
            [nb] = [nb for p, nb in built.items() if p.endswith(f"{folder}/{lang}/{GLOSSARY_NOTEBOOK}")]
            text = nb.cells[0].source
            assert all(e.text(lang).term in text and e.text(lang).definition in text for e in entries)
    from conftest import ROOT
    intro = _nbf.read(ROOT / "notebooks" / "course2_digital" / "en" / "module_2_3.ipynb", 4)
    assert any(f"]({GLOSSARY_NOTEBOOK})" in c.source for c in intro.cells if c.cell_type == "markdown")
    bad = _yaml.safe_load(glossary_path("1").read_text(encoding="utf-8"))
    bad["entries"].append(dict(bad["entries"][0]))
    (tmp_path / "g.yaml").write_text(_yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentErrors, match="duplicate glossary id"):
        load_glossary(tmp_path / "g.yaml")
