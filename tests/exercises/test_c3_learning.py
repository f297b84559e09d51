"""Tests for the module 3.1 exercise: supervised vs unsupervised, and the toy bigram model, in French and English."""
import matplotlib
import pytest

matplotlib.use("Agg")

from sets_courseware.exercises import c3_learning as L  # noqa: E402

LANGS = ["fr", "en"]
# per language: the word the notebook asks about, its most probable successor, a wrong guess, a prompt
NEXT = {"fr": ("fête", "du", "pendant", "les bénévoles", "la fête du quartier"),
        "en": ("community", "kitchen", "garden", "the volunteers", "the community kitchen")}


@pytest.mark.parametrize("lang", LANGS)
def test_dataset_is_small_and_labelled_in_the_notebooks_language(lang):
    df = L.load_members(lang)
    cols = L.columns(lang)
    assert len(df) == 150
    assert set(df[cols["label"]].unique()) == {0, 1}
    assert df["age_code"].notna().all()
    assert set(L.features(lang)) <= set(df.columns)
    if lang == "en":
        assert not {"rebenevole", "heures_benevolat", "activite"} & set(df.columns)
        assert set(df["activity"]) == {"sport", "solidarity", "culture", "environment"}


def test_both_files_hold_the_same_members():
    fr, en = L.load_members("fr"), L.load_members("en")
    for key in ("seniority", "hours", "donations", "label"):
        assert (fr[L.columns("fr")[key]].to_numpy() == en[L.columns("en")[key]].to_numpy()).all()


@pytest.mark.parametrize("lang", LANGS)
def test_compare_methods_supervised_beats_chance_and_kmeans_ignores_labels(lang):
    comp = L.compare_methods(lang=lang)
    label, group = L.columns(lang)["label"], L.columns(lang)["cluster"]
    assert comp.n_test == 45
    assert 0.6 <= comp.accuracy <= 1.0
    assert comp.clusters[group].nunique() == 3
    assert L.columns(lang)["members"] in comp.cluster_profile.columns
    # KMeans must not depend on the labels: flipping them leaves the clusters unchanged
    df = L.load_members(lang)
    flipped = df.assign(**{label: 1 - df[label]})
    comp2 = L.compare_methods(flipped, lang=lang)
    assert (comp2.clusters[group].to_numpy() == comp.clusters[group].to_numpy()).all()
    L.plot_comparison(comp, lang=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_check_labels_right_and_wrong(lang):
    assert L.check_labels("supervisé" if lang == "fr" else "the decision tree (supervised)", lang=lang).ok
    wrong = L.check_labels("non supervisé" if lang == "fr" else "unsupervised", lang=lang)
    assert not wrong.ok
    assert ("rebenevole" if lang == "fr" else "volunteered_again") in wrong.messages[0]
    assert not L.check_labels("KMeans", lang=lang).ok
    assert not L.check_labels("je ne sais pas" if lang == "fr" else "no idea", lang=lang).ok


def test_bigram_counts_on_a_tiny_text():
    m = L.BigramModel("le chat dort. le chat mange. le chien dort.")
    table = m.next_words("le")
    assert table.iloc[0]["mot"] == "chat"
    assert abs(table.iloc[0]["probabilite"] - 2 / 3) < 1e-9
    assert m.most_probable("chien") == "dort"
    assert m.most_probable("inconnu") is None
    e = L.BigramModel("the cat sleeps. the cat eats. the dog's bowl.", lang="en")
    assert list(e.next_words("the").columns) == ["word", "count", "probability"]
    assert e.most_probable("the") == "cat" and e.most_probable("dog's") == "bowl"


def test_tokenizers_follow_each_language():
    assert L.tokenize("L'association d'un quartier.", "fr") == ["l'", "association", "d'", "un", "quartier", "."]
    assert L.tokenize("The association's members don't pay.", "en") == [
        "the", "association's", "members", "don't", "pay", "."]


@pytest.mark.parametrize("lang", LANGS)
def test_corpus_and_check_next_word(lang):
    word, best, wrong, _, _ = NEXT[lang]
    m = L.BigramModel(lang=lang)
    assert 2000 <= m.stats()["words"] <= 5000
    assert m.most_probable(word) == best
    assert L.check_next_word(word, best, model=m, lang=lang).ok
    bad = L.check_next_word(word, wrong, model=m, lang=lang)
    assert not bad.ok and bad.details["best"] == best
    assert not L.check_next_word("ordinateurquantique", best, model=m, lang=lang).ok


def test_english_corpus_is_english():
    tokens = set(L.BigramModel(lang="en").tokens)
    assert {"the", "volunteers", "association", "community"} <= tokens
    assert not {"les", "bénévoles", "fête", "du"} & tokens


@pytest.mark.parametrize("lang", LANGS)
def test_generate_is_reproducible_and_starts_with_prompt(lang):
    _, _, _, prompt, greedy_start = NEXT[lang]
    m = L.BigramModel(lang=lang)
    a = m.generate(prompt, seed=3)
    assert a == m.generate(prompt, seed=3)
    assert a.startswith(prompt)
    assert m.generate(greedy_start.rsplit(" ", 1)[0], greedy=True).startswith(greedy_start)
