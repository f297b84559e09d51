"""Grant search: both methods rank the catalogue, metrics are right, the checker follows the real winner (French and English)."""

import numpy as np
import pandas as pd
import pytest

from sets_courseware.errors import SetsError
from sets_courseware.exercises import c3_grants as g

LANGS = ["fr", "en"]
NATURES = {"fr": {"fictif", "résumé d'un dispositif réel"}, "en": {"fictitious", "summary of a real scheme"}}
PROJECT = {"fr": "Nous voulons créer un jardin partagé avec compost au pied des immeubles du quartier.",
           "en": "We want to create a community garden with shared composting at the foot of the flats in our area."}


def cos(x, y):
    return float(np.dot(x, y) / np.linalg.norm(x) / np.linalg.norm(y))


@pytest.mark.parametrize("lang", LANGS)
def test_data_is_labelled_and_judgements_point_to_real_calls(lang):
    calls = g.load_calls(lang)
    assert 25 <= len(calls) <= 40 and calls["id"].is_unique
    assert set(calls["nature"]) == NATURES[lang]
    projects = g.load_projects(lang)
    assert len(projects) == 4
    for rel in projects["pertinents"]:
        assert rel and set(rel) <= set(calls["id"])


def test_english_catalogue_matches_the_french_one():
    fr, en = g.load_calls("fr"), g.load_calls("en")
    assert list(fr["id"]) == list(en["id"])
    assert ((fr["nature"] == "fictif") == (en["nature"] == "fictitious")).all()
    assert [sorted(r) for r in g.load_projects("fr")["pertinents"]] == [sorted(r) for r in g.load_projects("en")["pertinents"]]
    raw = pd.read_csv(g.dataset_path(g.CALLS_FILES["en"]), comment="#")
    assert list(raw.columns) == ["id", "title", "funder", "nature", "description"]


def test_metrics_by_hand():
    m = g.metrics(["A", "B", "C", "D", "E", "F"], ["B", "F", "X"])
    assert m == {"precision@5": 0.2, "recall@5": pytest.approx(1 / 3), "mrr": 0.5}
    assert g.metrics(["A"] * 5, ["Z"])["mrr"] == 0.0


@pytest.mark.parametrize("lang", LANGS)
def test_both_methods_rank_all_calls_and_find_something(lang):
    s = g.searcher(lang)
    assert s.methods == g.METHODS_BY_LANG[lang]
    text = g.load_projects(lang)["description"].iloc[0]
    for m in s.methods:
        ranking = s.ranking(text, m)
        assert sorted(ranking) == sorted(s.calls["id"])
    comp = g.evaluate(s)
    assert list(comp.mean.index) == list(s.methods)
    assert (comp.mean["recall@5"] > 0.3).all()          # both beat chance (5 of 34 calls)
    assert comp.winner in (*s.methods, "egalite")
    cols = {"project", "method"} if lang == "en" else {"projet", "méthode"}
    assert set(g.table(comp, lang).columns) >= cols | {"precision@5", "recall@5", "mrr"}


def test_english_needs_no_spacy_model():
    s = g.searcher("en")
    assert "vecteurs" not in s.methods and not hasattr(s, "call_vectors")
    with pytest.raises(ValueError):
        s.scores("community garden", "vecteurs")


def test_vectors_link_words_with_no_shared_form():
    s = g.searcher("fr")
    a, b, c = (s.vector(t) for t in ("personnes âgées isolées", "aînés seuls", "réparation de vélos"))
    assert cos(a, b) > cos(a, c)


def test_word_pieces_link_word_forms_but_not_synonyms():
    s = g.searcher("en")
    v = lambda t: s.pieces.transform([t]).toarray().ravel()  # noqa: E731
    assert cos(v("groceries"), v("grocery")) > cos(v("groceries"), v("bicycle"))
    assert cos(v("elderly"), v("older people")) < cos(v("older people"), v("old people"))


@pytest.mark.parametrize("lang", LANGS)
def test_checker_follows_computed_winner(lang):
    comp = g.evaluate(lang=lang)
    other = g.METHODS_BY_LANG[lang][1]
    loser = other if comp.winner == "tfidf" else "tfidf"
    right_reason = g.EXPECTED_REASON.get(comp.winner, "synonymes")
    good = g.check_comparison(comp.winner, right_reason, comp, lang=lang)
    assert good.ok and good.score == 1
    bad = g.check_comparison(loser, "longueur", comp, lang=lang)
    assert not bad.ok and bad.score == 0


def test_checker_with_forced_results():
    per = pd.DataFrame()
    mean = pd.DataFrame({"precision@5": [0.2, 0.4], "recall@5": [0.3, 0.7], "mrr": [0.5, 0.9]},
                        index=list(g.METHODS))
    comp = g.Comparison(per, mean, "vecteurs", {})
    assert g.check_comparison("vectors", "synonyms", comp, lang="en").ok
    assert not g.check_comparison("tfidf", "mots_exacts", comp).ok
    pieces = g.Comparison(per, mean.set_axis(["tfidf", "pieces"]), "pieces", {})
    assert g.check_comparison("word_pieces", "word_forms", pieces, lang="en").ok
    assert not g.check_comparison("word_pieces", "synonyms", pieces, lang="en").ok
    assert not g.check_comparison("tfidf", "exact_words", pieces, lang="en").ok


@pytest.mark.parametrize("lang", LANGS)
def test_my_project_top5_and_short_text(lang):
    out = g.my_project(PROJECT[lang], lang)
    assert set(out) == set(g.METHODS_BY_LANG[lang])
    assert all(len(df) == 5 for df in out.values())
    assert ("title" if lang == "en" else "titre") in out["tfidf"].columns
    if lang == "en":
        assert set(out["tfidf"]["nature"]) <= NATURES["en"]
    with pytest.raises(SetsError):
        g.my_project("garden", lang)
