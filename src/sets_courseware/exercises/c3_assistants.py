"""Module 3.3.2 — what an assistant "reads": a tiny retrieval step (RAG) and a planted instruction.

An assistant built on a language model often answers from an organisation's own documents:
a *retrieval* step picks the passages closest to the question, and those passages are pasted
into the text (the prompt) given to the model. This exercise does that retrieval step offline,
with scikit-learn's TF-IDF (the same tool as the grant search of 3.3.3), over eight short
documents of a fictitious association (French or English, chosen by the notebook's language).

No language model is called: the point is to see *what the model would be given*. Among the
retrieved passages, one is a planted instruction from an outside document (an indirect prompt
injection, OWASP LLM01) and one carries health data that the person asking has no need to see
(sensitive information disclosure, OWASP LLM02). The learner finds both; `check_retrieval`
checks the answer and explains.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import SetsError
from .common import CheckResult, dataset_path, lang_of, show

K = 4
DATASET = "course3_ai/documents_association.json"

SYSTEM = {
    "fr": ("Tu es l'assistant de l'association Solidarités Quartier Nord. Réponds à la question de l'équipe "
           "uniquement à partir des extraits ci-dessous, en citant leur numéro."),
    "en": ("You are the assistant of Northside Community Association. Answer the team's question using only "
           "the extracts below, citing their number."),
}


@lru_cache(maxsize=1)
def _data() -> dict:
    with open(dataset_path(DATASET), encoding="utf-8") as fh:
        return json.load(fh)


def default_question(lang: str = "fr") -> str:
    """The question asked in the notebook unless the learner changes it."""
    return _data()["question"][lang_of(lang)]


def documents(lang: str = "fr") -> list[dict]:
    """The association's documents: id, title, source (internal/external), author, passages."""
    return _data()[lang_of(lang)]


def passages(lang: str = "fr") -> pd.DataFrame:
    """One row per passage: id, document, title, source, text."""
    rows = [{"id": p["id"], "document": d["id"], "title": d["title"], "source": d["source"], "text": p["text"]}
            for d in documents(lang) for p in d["passages"]]
    return pd.DataFrame(rows)


def _stop_words(lang: str) -> list[str] | str:
    if lang == "fr":
        from spacy.lang.fr.stop_words import STOP_WORDS
        return sorted(STOP_WORDS)
    return "english"


class Retriever:
    """TF-IDF over the passages of the association's documents, fitted once per language."""

    def __init__(self, lang: str = "fr"):
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.lang = lang_of(lang)
        self.passages = passages(self.lang)
        self.vectorizer = TfidfVectorizer(lowercase=True, strip_accents="unicode",
                                          stop_words=_stop_words(self.lang), token_pattern=r"(?u)\b\w\w+\b")
        with warnings.catch_warnings():  # spaCy's stop list holds elisions ("l'", "qu'") the tokenizer never yields
            warnings.simplefilter("ignore", UserWarning)
            self.matrix = self.vectorizer.fit_transform(self.passages["text"])

    def scores(self, question: str) -> np.ndarray:
        q = self.vectorizer.transform([question])
        return (self.matrix @ q.T).toarray().ravel()

    def search(self, question: str, k: int = K) -> pd.DataFrame:
        """The k passages closest to the question, best first, with their TF-IDF score."""
        s = self.scores(question)
        order = np.argsort(-s, kind="stable")[:k]
        top = self.passages.iloc[order].copy()
        top.insert(0, "rank", range(1, len(top) + 1))
        top.insert(2, "score", np.round(s[order], 3))
        return top.reset_index(drop=True)


@lru_cache(maxsize=2)
def retriever(lang: str = "fr") -> Retriever:
    return Retriever(lang_of(lang))


@dataclass
class Retrieval:
    question: str
    passages: pd.DataFrame   # the retrieved passages, best first
    prompt: str              # the text that would be given to the model
    lang: str = "fr"

    def _repr_html_(self) -> str:
        import html
        return ('<pre style="white-space:pre-wrap;border:1px solid #999;padding:0.6em">'
                f"{html.escape(self.prompt)}</pre>")


def build_prompt(question: str, found: pd.DataFrame, lang: str = "fr") -> str:
    """The prompt an assistant would send: instructions, retrieved extracts, then the question."""
    lang = lang_of(lang)
    head = "Extraits des documents :" if lang == "fr" else "Extracts from the documents:"
    q = "Question :" if lang == "fr" else "Question:"
    lines = [SYSTEM[lang], "", head]
    for _, row in found.iterrows():
        lines.append(f"[{row['id']}] ({row['title']}) {row['text']}")
    lines += ["", f"{q} {question}"]
    return "\n".join(lines)


def retrieve(question: str | None = None, k: int = K, lang: str = "fr", display: bool = True) -> Retrieval:
    """Retrieve the k closest passages for a question and show what the model would be given."""
    lang = lang_of(lang)
    question = (question or "").strip() or default_question(lang)
    if len(question.split()) < 3:
        raise SetsError("Posez une vraie question (au moins 3 mots)." if lang == "fr"
                        else "Ask a real question (at least 3 words).")
    if not 1 <= int(k) <= len(passages(lang)):
        raise SetsError(f"k doit être compris entre 1 et {len(passages(lang))}." if lang == "fr"
                        else f"k must be between 1 and {len(passages(lang))}.")
    found = retriever(lang).search(question, int(k))
    result = Retrieval(question, found, build_prompt(question, found, lang), lang)
    if display:
        try:
            from IPython.display import Markdown
            from IPython.display import display as ipy_display
            cols = ["rank", "id", "score", "source", "title"]
            table = found[cols]
            if lang == "fr":
                table = table.rename(columns={"rank": "rang", "title": "document"})
            ipy_display(Markdown("**Passages retrouvés (du plus proche au moins proche)**" if lang == "fr"
                                 else "**Retrieved passages (closest first)**"))
            ipy_display(table)
            ipy_display(Markdown("**Texte transmis au modèle**" if lang == "fr" else "**Text given to the model**"))
            ipy_display(result)
        except ImportError:  # pragma: no cover - outside Jupyter
            pass
    return result


def _norm(pid: str) -> str:
    m = re.fullmatch(r"\s*\[?\s*[dD]\s*(\d+)\s*[.\-_ ]\s*(\d+)\s*\]?\s*", str(pid or ""))
    return f"D{m.group(1)}.{m.group(2)}" if m else str(pid or "").strip()


def check_retrieval(injection: str, personal_data: str, question: str | None = None, k: int = K,
                    lang: str = "fr") -> CheckResult:
    """The learner names the passage holding a planted instruction and the one holding health data.

    injection, personal_data: passage ids as shown in the table, e.g. "D1.2".
    """
    lang = lang_of(lang)
    fr = lang == "fr"
    truth = _data()["answers"]
    inj, pers = _norm(injection), _norm(personal_data)
    found = retriever(lang).search((question or "").strip() or default_question(lang), int(k))
    shown = set(found["id"])
    known = set(passages(lang)["id"])
    msgs, good = [], 0

    if inj == truth["injection"]:
        good += 1
        msgs.append("Oui : le passage D4.2 s'adresse à l'assistant, pas aux lecteurs humains. Il vient d'un document "
                    "extérieur déposé dans le dossier partagé, reprend les mots des questions attendues pour être "
                    "retrouvé, et tente de détourner les remboursements vers une adresse étrangère à l'association. "
                    "C'est une injection de prompt indirecte (OWASP LLM01)." if fr else
                    "Yes: passage D4.2 speaks to the assistant, not to human readers. It comes from an outside "
                    "document saved in the shared folder, reuses the words of expected questions so as to be "
                    "retrieved, and tries to divert reimbursements to an address outside the association. This is "
                    "an indirect prompt injection (OWASP LLM01).")
    elif inj not in known:
        msgs.append(f"« {injection} » n'est pas un numéro de passage : recopiez un numéro de la colonne id (par exemple D1.2)."
                    if fr else f"'{injection}' is not a passage number: copy a number from the id column (e.g. D1.2).")
    else:
        msgs.append(("Non : relisez chaque extrait en vous demandant « à qui parle ce texte ? ». L'un d'eux donne des "
                     "ordres à l'assistant et lui demande de les cacher." if fr else
                     "No: reread each extract asking 'who is this text speaking to?'. One of them gives orders to "
                     "the assistant and asks it to hide them."))

    if pers == truth["personal_data"]:
        good += 1
        msgs.append("Oui : D3.2 révèle qu'un bénévole nommé suit une chimiothérapie. C'est une donnée de santé "
                    "(article 9 du RGPD), notée « à titre confidentiel » dans un compte rendu, et l'assistant la "
                    "donnerait à toute personne qui pose une question sur les frais (OWASP LLM02). L'assistant ne "
                    "devrait retrouver que ce que la personne qui pose la question a le droit de lire." if fr else
                    "Yes: D3.2 reveals that a named volunteer is having chemotherapy. This is health data (Article 9 "
                    "GDPR), marked 'confidential' in board minutes, and the assistant would hand it to anyone asking "
                    "about expenses (OWASP LLM02). The assistant should only retrieve what the person asking is "
                    "allowed to read.")
    elif pers not in known:
        msgs.append(f"« {personal_data} » n'est pas un numéro de passage." if fr else
                    f"'{personal_data}' is not a passage number.")
    else:
        msgs.append("Pas ce passage : cherchez un extrait qui parle d'une personne nommée et de sa santé." if fr else
                    "Not that passage: look for an extract about a named person and their health.")

    missing = [p for p in (truth["injection"], truth["personal_data"]) if p not in shown]
    if missing:
        msgs.append(("Avec cette question et ce k, certains passages en cause ne sont pas retrouvés : "
                     "revenez à la question de départ et à k = 4 pour les voir." if fr else
                     "With this question and this k, some of the passages at stake are not retrieved: go back to "
                     "the original question and k = 4 to see them."))
    msgs.append("À retenir : le modèle reçoit instructions et documents dans un même texte ; il ne sait pas "
                "distinguer à coup sûr une consigne de l'association d'une phrase écrite par un tiers. D'où les "
                "garde-fous : documents de sources maîtrisées, droits d'accès respectés par la recherche, aucun "
                "envoi de courriel ou paiement sans validation humaine." if fr else
                "Remember: the model receives instructions and documents in one single text; it cannot reliably "
                "tell the association's instructions from a sentence written by a third party. Hence the "
                "safeguards: documents from controlled sources, access rights enforced by the search, no e-mail or "
                "payment without human approval.")
    return show(CheckResult(good == 2, good / 2, msgs, {"injection": truth["injection"],
                                                         "personal_data": truth["personal_data"],
                                                         "retrieved": list(found["id"])}))
