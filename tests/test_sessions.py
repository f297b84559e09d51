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


def test_questions_left_on_the_path_page_reach_session_3(mini, monkeypatch):
    import ipywidgets as w

    from sets_courseware.app import PathApp
    from sets_courseware.assessment import AssessmentService
    from sets_courseware.render import questions_html
    from sets_courseware.content import catalog
    from sets_courseware.store import Store
    store = Store.default()
    app = PathApp(AssessmentService(store), learner="gaby", lang="fr")
    app.course_picker.value = "1"
    def walk(wd):
        yield wd
        for child in getattr(wd, "children", ()) or ():
            yield from walk(child)
    [box] = [wd for wd in walk(app.body) if "sets-ask" in getattr(wd, "_dom_classes", ())]
    [text] = [c for c in box.children if isinstance(c, w.Textarea)]
    [module] = [c for c in box.children if isinstance(c, w.Dropdown)]
    [send] = [c for c in box.children if isinstance(c, w.Button)]
    status = box.children[-1]
    text.value = "Comment obtenir l'agrément ESUS pour une SAS ?"
    module.value = "1.3"
    send.click()
    assert "envoyée" in status.value and text.value == ""
    send.click()  # empty: refused with a message, nothing stored
    assert "alert" in status.value
    rows = store.questions("1")
    assert [(r["learner"], r["module"]) for r in rows] == [("gaby", "1.3")]
    page = questions_html(catalog().course("1"), rows, "fr")
    assert "agrément ESUS" in page and "1.3" in page


@pytest.mark.e2e
def test_learner_slides_drop_trainer_notes(mini, tmp_path):
    from conftest import ROOT
    from sets_courseware.sessions import export_slides
    nb = ROOT / "notebooks" / "course3_ai" / "sessions" / "fr" / "session_1_launch.ipynb"
    learners = export_slides(nb, tmp_path, "learners").read_text(encoding="utf-8")
    trainers = export_slides(nb, tmp_path, "trainers").read_text(encoding="utf-8")
    note = "Garder la liste des inquiétudes"
    assert note in trainers and note not in learners
    assert "Assiduité et certification" in learners
    assert "3.2.5" in learners  # the outline cell ran and its output is on a slide
