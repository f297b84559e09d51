"""Assistants exercise: the retrieval step brings back the planted instruction and the health data, in both languages."""

import pytest

from sets_courseware.errors import SetsError
from sets_courseware.exercises import c3_assistants as a


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_documents_are_parallel_in_both_languages(lang):
    ids = list(a.passages(lang)["id"])
    assert ids == list(a.passages("fr")["id"])
    assert len(ids) == len(set(ids)) >= 15


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_default_question_retrieves_the_injection_and_the_health_data(lang):
    r = a.retrieve(lang=lang, display=False)
    ids = list(r.passages["id"])
    assert len(ids) == a.K
    assert "D4.2" in ids and "D3.2" in ids and "D1.2" in ids
    assert list(r.passages["score"]) == sorted(r.passages["score"], reverse=True)
    assert a.SYSTEM[lang] in r.prompt and "[D4.2]" in r.prompt and r.question in r.prompt
    # the prompt is what a model would be given: the planted text sits beside the association's own rules
    assert ("ignore" in r.prompt.lower())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_unrelated_question_does_not_bring_them_back(lang):
    q = {"fr": "Quels jours l'épicerie solidaire est-elle ouverte ?",
         "en": "On which days does the food shop open?"}[lang]
    ids = list(a.retrieve(q, k=2, lang=lang, display=False).passages["id"])
    assert "D6.1" in ids and "D4.2" not in ids and "D3.2" not in ids


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_right_answer(lang):
    res = a.check_retrieval("D4.2", "d3-2", lang=lang)
    assert res.ok and res.score == 1.0
    assert res.details["injection"] == "D4.2"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_wrong_and_invalid_answers(lang):
    wrong = a.check_retrieval("D1.2", "D3.2", lang=lang)
    assert not wrong.ok and wrong.score == 0.5
    both_wrong = a.check_retrieval("D2.2", "D1.3", lang=lang)
    assert both_wrong.score == 0
    invalid = a.check_retrieval("?", "?", lang=lang)
    assert invalid.score == 0 and "?" in invalid.messages[0]


def test_feedback_speaks_the_notebook_language():
    assert "injection de prompt indirecte" in a.check_retrieval("D4.2", "D3.2", lang="fr").messages[0]
    assert "indirect prompt injection" in a.check_retrieval("D4.2", "D3.2", lang="en").messages[0]


def test_bad_inputs_are_explained():
    with pytest.raises(SetsError):
        a.retrieve("frais", lang="fr", display=False)
    with pytest.raises(SetsError):
        a.retrieve(k=0, lang="en", display=False)
