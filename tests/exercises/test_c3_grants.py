"""Grant search: both methods rank the catalogue, metrics are right, the checker follows the real winner."""

import pandas as pd
import pytest

from sets_courseware.errors import SetsError
from sets_courseware.exercises import c3_grants as g


def test_data_is_labelled_and_judgements_point_to_real_calls():
    calls = g.load_calls()
    assert 25 <= len(calls) <= 40 and calls["id"].is_unique
    assert set(calls["nature"]) == {"fictif", "résumé d'un dispositif réel"}
    projects = g.load_projects()
    assert len(projects) == 4
    for rel in projects["pertinents"]:
        assert rel and set(rel) <= set(calls["id"])


def test_metrics_by_hand():
    m = g.metrics(["A", "B", "C", "D", "E", "F"], ["B", "F", "X"])
    assert m == {"precision@5": 0.2, "recall@5": pytest.approx(1 / 3), "mrr": 0.5}
    assert g.metrics(["A"] * 5, ["Z"])["mrr"] == 0.0


def test_both_methods_rank_all_calls_and_find_something():
    s = g.searcher()
    text = g.load_projects()["description"].iloc[0]
    for m in g.METHODS:
        ranking = s.ranking(text, m)
        assert sorted(ranking) == sorted(s.calls["id"])
    comp = g.evaluate(s)
    assert list(comp.mean.index) == list(g.METHODS)
    assert (comp.mean["recall@5"] > 0.3).all()          # both beat chance (5 of 34 calls)
    assert comp.winner in (*g.METHODS, "egalite")
    assert set(g.table(comp, "en").columns) >= {"project", "method", "precision@5", "recall@5", "mrr"}


def test_vectors_link_words_with_no_shared_form():
    s = g.searcher()
    import numpy as np
    a, b, c = (s.vector(t) for t in ("personnes âgées isolées", "aînés seuls", "réparation de vélos"))
    cos = lambda x, y: float(np.dot(x, y) / np.linalg.norm(x) / np.linalg.norm(y))  # noqa: E731
    assert cos(a, b) > cos(a, c)


def test_checker_follows_computed_winner():
    comp = g.evaluate()
    loser = "vecteurs" if comp.winner == "tfidf" else "tfidf"
    right_reason = {"vecteurs": "synonymes", "tfidf": "mots_exacts"}.get(comp.winner, "synonymes")
    good = g.check_comparison(comp.winner, right_reason, comp, lang="en")
    assert good.ok and good.score == 1
    bad = g.check_comparison(loser, "longueur", comp)
    assert not bad.ok and bad.score == 0


def test_checker_with_forced_results():
    per = pd.DataFrame()
    mean = pd.DataFrame({"precision@5": [0.2, 0.4], "recall@5": [0.3, 0.7], "mrr": [0.5, 0.9]},
                        index=list(g.METHODS))
    comp = g.Comparison(per, mean, "vecteurs", {})
    assert g.check_comparison("vectors", "synonyms", comp, lang="en").ok
    assert not g.check_comparison("tfidf", "mots_exacts", comp).ok


def test_my_project_top5_and_short_text():
    out = g.my_project("Nous voulons créer un jardin partagé avec compost au pied des immeubles du quartier.", "en")
    assert set(out) == set(g.METHODS)
    assert all(len(df) == 5 for df in out.values())
    assert "title" in out["tfidf"].columns
    with pytest.raises(SetsError):
        g.my_project("jardin", "fr")
