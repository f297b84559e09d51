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
