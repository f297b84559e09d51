"""Module 3.1 (3.1.2, 3.1.3) — how machines "learn": supervised vs unsupervised, and a toy next-word model.

Part 1 uses a small SYNTHETIC file of 150 association members (age band, activity,
seniority, volunteering hours, yearly donations) with a label "volunteered again the
following year" (`rebenevole` in the French file, `volunteered_again` in the English one:
the same members, column names in the notebook's language). The same data go through two
methods:

* a decision tree (supervised): it learns from the labels, and we measure its accuracy on
  members it has not seen (a test split);
* KMeans (unsupervised): it never sees the labels; it only groups members that look alike.

Part 2 trains a bigram model (counts of "which word follows which") on a short text written
for the course (about 2,000 words, a French story or its English counterpart, chosen by the
notebook's language). It shows the probabilities of the next word and
generates a sentence. It is an illustration of the idea behind language models, not a real
LLM: no neural network, no attention, a tiny corpus, and no understanding.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import pandas as pd

from .common import CheckResult, dataset_path, show, lang_of

AGE_CODES = {"18-29": 0, "30-44": 1, "45-59": 2, "60+": 3}
MEMBERS_FILES = {"fr": "course3_ai/learning_membres.csv", "en": "course3_ai/learning_members_en.csv"}
CORPUS_FILES = {"fr": "course3_ai/corpus_vie_associative.txt", "en": "course3_ai/corpus_community_life_en.txt"}
# The members' columns in each language's file (and the names the results use).
COLUMNS = {
    "fr": {"age": "tranche_age", "seniority": "anciennete_ans", "hours": "heures_benevolat",
           "donations": "dons_annuels_eur", "label": "rebenevole", "cluster": "groupe", "members": "membres"},
    "en": {"age": "age_band", "seniority": "years_of_membership", "hours": "volunteering_hours",
           "donations": "yearly_donations_eur", "label": "volunteered_again", "cluster": "cluster",
           "members": "members"},
}
NEXT_COLUMNS = {"fr": ["mot", "occurrences", "probabilite"], "en": ["word", "count", "probability"]}


def columns(lang: str = "fr") -> dict[str, str]:
    """Column names of the members' file in the notebook's language."""
    return COLUMNS[lang_of(lang)]


def features(lang: str = "fr") -> list[str]:
    """The columns the two models read (never the label)."""
    c = columns(lang)
    return ["age_code", c["seniority"], c["hours"], c["donations"]]

_TXT = {
    "fr": {
        "tree": "Apprentissage supervisé : arbre de décision",
        "kmeans": "Apprentissage non supervisé : KMeans (3 groupes)",
        "x": "Heures de bénévolat par an",
        "y": "Dons annuels (€)",
        "ok_pred": "prédiction juste", "bad_pred": "prédiction fausse",
        "group": "groupe", "centre": "centre du groupe",
        "acc": "exactitude sur {n} membres de test : {acc:.0%}",
        "label_ok": "Exact : l'arbre de décision (apprentissage supervisé) a eu besoin de la colonne "
                    "« rebenevole », les étiquettes, pour apprendre. KMeans n'a reçu que les descriptions des "
                    "membres : il forme des groupes, mais ne sait pas ce qu'ils signifient.",
        "label_ko": "Pas tout à fait : KMeans (non supervisé) n'a jamais vu la colonne « rebenevole ». Seul "
                    "l'arbre de décision (supervisé) a appris à partir d'exemples étiquetés.",
        "label_unknown": "Réponse non reconnue : écrivez « supervisé » (l'arbre de décision) ou « non supervisé » (KMeans).",
        "next_title": "Mots les plus probables après « {w} »",
        "next_x": "Probabilité estimée (fréquence dans le texte)",
        "next_y": "Mot suivant",
        "unknown_word": "Le mot « {w} » n'apparaît pas dans le texte d'entraînement : le modèle ne peut rien prédire "
                        "(il ne connaît que les mots qu'il a vus).",
        "next_ok": "Exact : après « {w} », le mot le plus probable est « {best} » ({p:.0%} des cas dans le texte).",
        "next_ko": "Non : après « {w} », le mot le plus probable est « {best} » ({p:.0%}) ; « {g} » a une "
                   "probabilité de {pg:.0%}.",
        "corpus": "Texte d'entraînement : {words} mots, {vocab} mots différents, {pairs} paires de mots consécutifs.",
    },
    "en": {
        "tree": "Supervised learning: decision tree",
        "kmeans": "Unsupervised learning: KMeans (3 clusters)",
        "x": "Volunteering hours per year",
        "y": "Yearly donations (€)",
        "ok_pred": "correct prediction", "bad_pred": "wrong prediction",
        "group": "cluster", "centre": "cluster centre",
        "acc": "accuracy on {n} test members: {acc:.0%}",
        "label_ok": "Right: the decision tree (supervised learning) needed the 'volunteered_again' column, the labels, to "
                    "learn. KMeans only received the members' descriptions: it builds groups but does not know "
                    "what they mean.",
        "label_ko": "Not quite: KMeans (unsupervised) never saw the 'volunteered_again' column. Only the decision tree "
                    "(supervised) learnt from labelled examples.",
        "label_unknown": "Answer not recognised: write 'supervised' (the decision tree) or 'unsupervised' (KMeans).",
        "next_title": "Most probable words after '{w}'",
        "next_x": "Estimated probability (frequency in the text)",
        "next_y": "Next word",
        "unknown_word": "The word '{w}' does not appear in the training text: the model cannot predict anything "
                        "(it only knows the words it has seen).",
        "next_ok": "Right: after '{w}', the most probable word is '{best}' ({p:.0%} of cases in the text).",
        "next_ko": "No: after '{w}', the most probable word is '{best}' ({p:.0%}); '{g}' has a probability of {pg:.0%}.",
        "corpus": "Training text: {words} words, {vocab} distinct words, {pairs} pairs of consecutive words.",
    },
}


def _t(lang: str) -> dict:
    return _TXT[lang_of(lang)]


# ---------------------------------------------------------------- part 1: supervised vs unsupervised

def load_members(lang: str = "fr") -> pd.DataFrame:
    """The 150 synthetic members (columns in the notebook's language), with a numeric `age_code` for the models."""
    df = pd.read_csv(dataset_path(MEMBERS_FILES[lang_of(lang)]), comment="#")
    df["age_code"] = df[columns(lang)["age"]].map(AGE_CODES)
    return df


@dataclass
class Comparison:
    accuracy: float
    n_test: int
    tree_test: pd.DataFrame        # test members with the tree's prediction
    clusters: pd.DataFrame         # all members with their KMeans cluster
    cluster_profile: pd.DataFrame  # mean features per cluster (+ share of the label, for reading only)
    lang: str = "fr"               # language of the column names


def compare_methods(df: pd.DataFrame | None = None, max_depth: int = 3, n_clusters: int = 3,
                    random_state: int = 0, lang: str = "fr") -> Comparison:
    """Train a decision tree on 70 % of the members (with labels) and run KMeans on all of them (no labels).

    `df`, when given, has the column names of `lang` (see `columns`)."""
    from sklearn.cluster import KMeans
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    c, X = columns(lang), features(lang)
    label, group = c["label"], c["cluster"]
    df = load_members(lang) if df is None else df.copy()
    train, test = train_test_split(df, test_size=0.3, random_state=random_state, stratify=df[label])
    tree = DecisionTreeClassifier(max_depth=max_depth, random_state=random_state)
    tree.fit(train[X], train[label])                              # supervised: X AND the labels y
    test = test.copy()
    test["prediction"] = tree.predict(test[X])
    accuracy = float((test["prediction"] == test[label]).mean())

    scaled = StandardScaler().fit_transform(df[X])
    km = KMeans(n_clusters=n_clusters, n_init=10, random_state=random_state)
    clusters = df.copy()
    clusters[group] = km.fit_predict(scaled)                     # unsupervised: X only, never the labels
    profile = (clusters.groupby(group)[[c["hours"], c["donations"], c["seniority"], label]]
               .mean().round(1).assign(**{c["members"]: clusters.groupby(group).size()}))
    return Comparison(round(accuracy, 3), len(test), test, clusters, profile, lang_of(lang))


def plot_comparison(comp: Comparison, lang: str = "fr") -> None:
    """Two panels side by side: the tree's predictions on the test set, the KMeans clusters."""
    import matplotlib.pyplot as plt

    t, c = _t(lang), columns(comp.lang)
    hours, gifts = c["hours"], c["donations"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    good = comp.tree_test["prediction"] == comp.tree_test[c["label"]]
    ax1.scatter(comp.tree_test.loc[good, hours], comp.tree_test.loc[good, gifts],
                c="#2e7d32", marker="o", label=t["ok_pred"])
    ax1.scatter(comp.tree_test.loc[~good, hours], comp.tree_test.loc[~good, gifts],
                c="#c62828", marker="x", s=60, label=t["bad_pred"])
    ax1.set_title(f"{t['tree']}\n{t['acc'].format(n=comp.n_test, acc=comp.accuracy)}", fontsize=10)
    ax1.set_xlabel(t["x"])
    ax1.set_ylabel(t["y"])
    ax1.legend(fontsize=8)
    colours = ["#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#9e9d24"]
    for g, part in comp.clusters.groupby(c["cluster"]):
        ax2.scatter(part[hours], part[gifts], c=colours[int(g) % len(colours)],
                    alpha=0.75, label=f"{t['group']} {g}")
    ax2.set_title(t["kmeans"], fontsize=10)
    ax2.set_xlabel(t["x"])
    ax2.legend(fontsize=8)
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def _normalise(text: str) -> str:
    import unicodedata
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z ]", " ", text).strip()


def check_labels(answer: str, lang: str = "fr") -> CheckResult:
    """Which method needed the labels? Expected: the supervised one (the decision tree)."""
    t = _t(lang)
    a = _normalise(answer)
    unsupervised = any(k in a for k in ("non supervis", "unsupervis", "kmeans", "k means", "clustering", "regroup"))
    supervised = not unsupervised and any(k in a for k in ("supervis", "arbre", "tree", "decision", "classif"))
    if supervised:
        return show(CheckResult(True, 1.0, [t["label_ok"]], {"answer": "supervised"}))
    if unsupervised:
        return show(CheckResult(False, 0.0, [t["label_ko"]], {"answer": "unsupervised"}))
    return show(CheckResult(False, 0.0, [t["label_unknown"]], {"answer": None}))


# ---------------------------------------------------------------- part 2: a toy next-word model

_TOKEN = {
    # French: elided articles keep their apostrophe and stand alone ("l'", "d'").
    "fr": re.compile(r"[a-zàâäçéèêëîïôöûùüÿœæ]+'|[a-zàâäçéèêëîïôöûùüÿœæ]+(?:-[a-zàâäçéèêëîïôöûùüÿœæ]+)*|[.!?]"),
    # English: contractions and possessives stay one word ("don't", "association's").
    "en": re.compile(r"[a-zàâäçéèêëîïôöûùüÿœæ]+(?:'[a-z]+)?(?:-[a-zàâäçéèêëîïôöûùüÿœæ]+)*|[.!?]"),
}


def tokenize(text: str, lang: str = "fr") -> list[str]:
    """Lower-case words and sentence ends (".", "!", "?") as tokens, split the way the language writes them."""
    text = text.replace("’", "'").lower()
    return _TOKEN[lang_of(lang)].findall(text)


def load_corpus(lang: str = "fr") -> str:
    """The training text in the notebook's language, without its header comment."""
    lines = dataset_path(CORPUS_FILES[lang_of(lang)]).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


class BigramModel:
    """Counts which word follows which. P(next | word) = count(word, next) / count(word, anything)."""

    def __init__(self, text: str | None = None, lang: str = "fr"):
        self.lang = lang_of(lang)
        self.tokens = tokenize(load_corpus(self.lang) if text is None else text, self.lang)
        self.counts: dict[str, Counter] = defaultdict(Counter)
        for a, b in zip(self.tokens, self.tokens[1:]):
            self.counts[a][b] += 1

    def stats(self) -> dict:
        words = [w for w in self.tokens if w not in ".!?"]
        return {"words": len(words), "vocab": len(set(words)),
                "pairs": sum(sum(c.values()) for c in self.counts.values())}

    def describe(self, lang: str = "fr") -> str:
        return _t(lang)["corpus"].format(**self.stats())

    def next_words(self, word: str, k: int = 5) -> pd.DataFrame:
        """The k most probable next words after `word`, with their probabilities."""
        tokens = tokenize(word, self.lang)
        c = self.counts.get(tokens[-1] if tokens else "", Counter())
        total = sum(c.values())
        rows = [(w, n, n / total) for w, n in c.most_common(k)] if total else []
        return pd.DataFrame(rows, columns=NEXT_COLUMNS[self.lang])

    def most_probable(self, word: str) -> str | None:
        table = self.next_words(word, k=1)
        return None if table.empty else str(table.iloc[0, 0])

    def plot_next(self, word: str, k: int = 8, lang: str = "fr") -> None:
        import matplotlib.pyplot as plt
        t = _t(lang)
        table = self.next_words(word, k)
        if table.empty:
            print(t["unknown_word"].format(w=word))
            return
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.2))
        ax.barh(table.iloc[::-1, 0], table.iloc[::-1, 2], color="#5c6bc0")
        ax.set_title(t["next_title"].format(w=word))
        ax.set_xlabel(t["next_x"])
        ax.set_ylabel(t["next_y"])
        fig.tight_layout()
        plt.show()
        plt.close(fig)

    def generate(self, start: str, n_words: int = 20, greedy: bool = False, seed: int = 1,
                 min_words: int = 8) -> str:
        """Continue `start` word by word, drawing each next word by its probability (or the top one if greedy).

        Stops at the first sentence end once at least `min_words` words are written."""
        rng = random.Random(seed)
        out = tokenize(start, self.lang)
        if not out:
            return ""
        for _ in range(n_words):
            c = self.counts.get(out[-1])
            if not c:
                break
            if greedy:
                nxt = c.most_common(1)[0][0]
            else:
                words, weights = zip(*c.items())
                nxt = rng.choices(words, weights=weights)[0]
            out.append(nxt)
            if nxt in ".!?" and len(out) >= min_words:
                break
        text = " ".join(out)
        text = re.sub(r"' ", "'", text)
        return re.sub(r" ([.!?])", r"\1", text)


def check_next_word(word: str, guess: str, model: BigramModel | None = None, lang: str = "fr") -> CheckResult:
    """The learner predicts the most probable word after `word`; compared with the model's counts."""
    t = _t(lang)
    model = model or BigramModel(lang=lang)
    table = model.next_words(word, k=50)
    if table.empty:
        return show(CheckResult(False, 0.0, [t["unknown_word"].format(w=word)], {"best": None}))
    best, p_best = str(table.iloc[0, 0]), float(table.iloc[0, 2])
    g = tokenize(guess, model.lang)
    g = g[0] if g else ""
    probs = dict(zip(table.iloc[:, 0], table.iloc[:, 2]))
    if g == best:
        return show(CheckResult(True, 1.0, [t["next_ok"].format(w=word, best=best, p=p_best)],
                                {"best": best, "p": p_best}))
    return show(CheckResult(False, 0.0, [t["next_ko"].format(w=word, best=best, p=p_best, g=guess,
                                                             pg=float(probs.get(g, 0.0)))],
                            {"best": best, "p": p_best}))
