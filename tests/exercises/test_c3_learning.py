"""Tests for the module 3.1 exercise: supervised vs unsupervised, and the toy bigram model."""
import matplotlib

matplotlib.use("Agg")

from sets_courseware.exercises import c3_learning as L  # noqa: E402


def test_dataset_is_small_and_labelled():
    df = L.load_members()
    assert len(df) == 150
    assert set(df[L.LABEL].unique()) == {0, 1}
    assert df["age_code"].notna().all()


def test_compare_methods_supervised_beats_chance_and_kmeans_ignores_labels():
    comp = L.compare_methods()
    assert comp.n_test == 45
    assert 0.6 <= comp.accuracy <= 1.0
    assert comp.clusters["groupe"].nunique() == 3
    # KMeans must not depend on the labels: flipping them leaves the clusters unchanged
    df = L.load_members()
    flipped = df.assign(**{L.LABEL: 1 - df[L.LABEL]})
    comp2 = L.compare_methods(flipped)
    assert (comp2.clusters["groupe"].to_numpy() == comp.clusters["groupe"].to_numpy()).all()
    L.plot_comparison(comp, lang="en")


def test_check_labels_right_and_wrong():
    assert L.check_labels("supervisé", lang="fr").ok
    assert L.check_labels("the decision tree (supervised)", lang="en").ok
    assert not L.check_labels("non supervisé", lang="fr").ok
    assert not L.check_labels("KMeans", lang="en").ok
    assert not L.check_labels("je ne sais pas", lang="fr").ok


def test_bigram_counts_on_a_tiny_text():
    m = L.BigramModel("le chat dort. le chat mange. le chien dort.")
    table = m.next_words("le")
    assert table.iloc[0]["mot"] == "chat"
    assert abs(table.iloc[0]["probabilite"] - 2 / 3) < 1e-9
    assert m.most_probable("chien") == "dort"
    assert m.most_probable("inconnu") is None


def test_corpus_and_check_next_word():
    m = L.BigramModel()
    assert 2000 <= m.stats()["words"] <= 5000
    best = m.most_probable("fête")
    assert best == "du"
    assert L.check_next_word("fête", "du", model=m, lang="fr").ok
    wrong = L.check_next_word("fête", "pendant", model=m, lang="en")
    assert not wrong.ok and wrong.details["best"] == "du"
    assert not L.check_next_word("ordinateurquantique", "du", model=m).ok


def test_generate_is_reproducible_and_starts_with_prompt():
    m = L.BigramModel()
    a = m.generate("les bénévoles", seed=3)
    assert a == m.generate("les bénévoles", seed=3)
    assert a.startswith("les bénévoles")
    assert m.generate("la fête", greedy=True).startswith("la fête du quartier")
