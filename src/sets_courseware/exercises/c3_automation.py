"""Module 3.3.4 — automate routine tasks: sort e-mails, read scanned letters, listen to feedback.

Three small, real AI tools that run offline on bundled synthetic data, in the notebook's
language (French files, or their English counterparts with the same ids, labels and
templates):

(a) e-mail triage: a TF-IDF + logistic-regression classifier learns six request types
    (membership, refund/benefit, complaint, volunteering, donation/tax receipt, GDPR) from
    about 300 synthetic messages, routes each message to a team and sends the messages it
    is unsure about to a person (a confidence threshold chosen by the learner);
(b) OCR: Tesseract (Debian packages `tesseract-ocr` with `tesseract-ocr-fra` or
    `tesseract-ocr-eng`, through pytesseract) reads four "scanned" letters shipped as PNGs
    (French letters with its French model, English ones with its English model); the character accuracy is
    measured against the true text and the OCR text goes through the same classifier;
(c) sentiment of beneficiary feedback: the same kind of model, trained on labelled
    feedback, gives the share of positive comments per service, with its limits (irony,
    small samples, and sentiment is not impact).

The test set of (a) and the folds of (c) keep messages built on the same template
together, so the scores are measured on wordings the model has never seen.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SetsError
from .common import CheckResult, dataset_path, show

CATEGORIES = ["adhesion", "remboursement", "reclamation", "benevolat", "don", "rgpd"]
CATEGORY_NAMES = {
    "fr": {"adhesion": "Adhésion / cotisation", "remboursement": "Remboursement / prestation",
           "reclamation": "Réclamation", "benevolat": "Bénévolat", "don": "Don / reçu fiscal",
           "rgpd": "RGPD / droits sur les données"},
    "en": {"adhesion": "Membership / fee", "remboursement": "Refund / benefit", "reclamation": "Complaint",
           "benevolat": "Volunteering", "don": "Donation / tax receipt", "rgpd": "GDPR / data rights"},
}
TEAMS = {
    "fr": {"adhesion": "Vie associative (adhésions)", "remboursement": "Gestion des prestations",
           "reclamation": "Service qualité (réclamations)", "benevolat": "Coordination des bénévoles",
           "don": "Relations donateurs", "rgpd": "Délégué·e à la protection des données (DPO)",
           None: "REVUE HUMAINE"},
    "en": {"adhesion": "Membership team", "remboursement": "Benefits and refunds team",
           "reclamation": "Quality team (complaints)", "benevolat": "Volunteer coordination",
           "don": "Donor relations", "rgpd": "Data protection officer (DPO)", None: "HUMAN REVIEW"},
}
TARGET_ACCURACY = 0.95      # of the messages routed automatically
MAX_HUMAN_SHARE = 1 / 3     # of all messages sent to a person
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
WEAR = (0.5, 1.0, 2.0, 2.8)   # the four bundled letters go from a clean scan to a worn one


@dataclass(frozen=True)
class _Files:
    """Where one language's data live, and the column names and values of its files."""

    emails: str
    feedback: str
    letters_dir: str
    letters_json: str
    letter_prefix: str              # "lettre_" / "letter_"
    tesseract: str                  # Tesseract's language code
    email_columns: dict             # file column -> the column name used in this module
    categories: dict                # file value -> category key
    feedback_columns: dict
    sentiments: dict                # file value -> "positif" / "négatif"
    letter_keys: dict               # ground-truth key -> key used in this module


_EN_CATEGORIES = {"membership": "adhesion", "refund": "remboursement", "complaint": "reclamation",
                  "volunteering": "benevolat", "donation": "don", "gdpr": "rgpd"}
FILES = {
    "fr": _Files("course3_ai/courriels_association.csv", "course3_ai/retours_beneficiaires.csv",
                 "course3_ai/lettres_scannees", "verite_terrain.json", "lettre_", "fra",
                 {}, {}, {}, {}, {"lettres": "letters"}),
    "en": _Files("course3_ai/emails_association_en.csv", "course3_ai/feedback_beneficiaries_en.csv",
                 "course3_ai/scanned_letters_en", "ground_truth.json", "letter_", "eng",
                 {"category": "categorie", "template": "gabarit", "text": "texte"}, _EN_CATEGORIES,
                 {"text": "texte", "irony": "ironie", "template": "gabarit"},
                 {"positive": "positif", "negative": "négatif"},
                 {"category": "categorie", "text": "texte"}),
}


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def _norm(text: str) -> str:
    """Lower case, no accents, no spaces around: 'Réclamation ' -> 'reclamation'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return text.strip().lower()


def _category(answer: str) -> str | None:
    a = _norm(answer)
    if a in CATEGORIES:
        return a
    for lang in ("fr", "en"):
        for key, name in CATEGORY_NAMES[lang].items():
            if a == _norm(name) or a in [_norm(p) for p in name.split("/")]:
                return key
    return None


def _model(C: float = 10.0):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    return make_pipeline(TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
                         LogisticRegression(max_iter=2000, C=C))


# ---------------------------------------------------------------- (a) e-mail triage

def load_emails(lang: str = "fr") -> pd.DataFrame:
    """About 300 synthetic messages in the notebook's language: id, categorie (the request type), gabarit (template), texte.

    The English file has English column names and values; they are read into the same columns and category keys."""
    f = FILES[_lang(lang)]
    df = pd.read_csv(dataset_path(f.emails), comment="#").rename(columns=f.email_columns)
    if f.categories:
        df["categorie"] = df["categorie"].map(f.categories)
    return df


@dataclass
class Triage:
    model: object
    test: pd.DataFrame          # test messages with columns categorie, predite, confiance
    accuracy: float
    n_train: int


def train(lang: str = "fr") -> Triage:
    """Train on about two thirds of the messages; test on the rest (templates never seen in training)."""
    return _train(_lang(lang))


@lru_cache(maxsize=2)
def _train(lang: str) -> Triage:
    from sklearn.model_selection import StratifiedGroupKFold
    df = load_emails(lang)
    split = StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=0)
    tr, te = next(split.split(df, df["categorie"], df["gabarit"]))
    model = _model()
    model.fit(df["texte"].iloc[tr], df["categorie"].iloc[tr])
    test = df.iloc[te].copy()
    proba = model.predict_proba(test["texte"])
    test["predite"] = model.classes_[proba.argmax(axis=1)]
    test["confiance"] = proba.max(axis=1).round(3)
    acc = float((test["predite"] == test["categorie"]).mean())
    return Triage(model, test.reset_index(drop=True), round(acc, 3), len(tr))


def classify(texts: list[str] | str, threshold: float = 0.5, lang: str = "fr") -> pd.DataFrame:
    """Category, confidence and team for each text; below the threshold the message goes to a person."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    t = train(lang)
    proba = t.model.predict_proba(texts)
    L = _lang(lang)
    rows = []
    for text, p in zip(texts, proba):
        cat, conf = t.model.classes_[p.argmax()], float(p.max())
        auto = conf >= threshold
        rows.append({"message": text[:90] + ("…" if len(text) > 90 else ""),
                     ("catégorie prédite" if L == "fr" else "predicted category"): CATEGORY_NAMES[L][cat],
                     ("confiance" if L == "fr" else "confidence"): round(conf, 2),
                     ("équipe" if L == "fr" else "team"): TEAMS[L][cat if auto else None]})
    return pd.DataFrame(rows)


def scores(lang: str = "fr") -> pd.DataFrame:
    """Precision, recall and F1 per category on the test messages."""
    from sklearn.metrics import precision_recall_fscore_support
    t = train(lang)
    p, r, f, s = precision_recall_fscore_support(t.test["categorie"], t.test["predite"], labels=CATEGORIES,
                                                 zero_division=0)
    L = _lang(lang)
    cols = (["catégorie", "précision", "rappel", "F1", "messages de test"] if L == "fr"
            else ["category", "precision", "recall", "F1", "test messages"])
    return pd.DataFrame({cols[0]: [CATEGORY_NAMES[L][c] for c in CATEGORIES], cols[1]: p.round(2),
                         cols[2]: r.round(2), cols[3]: f.round(2), cols[4]: s})


def confusion(lang: str = "fr") -> pd.DataFrame:
    """Confusion matrix: rows = true category, columns = predicted category."""
    from sklearn.metrics import confusion_matrix
    t = train(lang)
    L = _lang(lang)
    names = [CATEGORY_NAMES[L][c] for c in CATEGORIES]
    m = confusion_matrix(t.test["categorie"], t.test["predite"], labels=CATEGORIES)
    return pd.DataFrame(m, index=names, columns=names)


def plot_confusion(lang: str = "fr"):
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay
    L = _lang(lang)
    cm = confusion(lang)
    fig, ax = plt.subplots(figsize=(6.8, 5.6))
    ConfusionMatrixDisplay(cm.values, display_labels=list(cm.index)).plot(ax=ax, cmap="Blues", colorbar=False,
                                                                          xticks_rotation=35)
    plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    ax.set_xlabel("catégorie prédite par le modèle" if L == "fr" else "category predicted by the model")
    ax.set_ylabel("vraie catégorie" if L == "fr" else "true category")
    ax.set_title("Tri des courriels : matrice de confusion (messages de test)" if L == "fr"
                 else "E-mail triage: confusion matrix (test messages)")
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def threshold_effect(threshold: float, lang: str = "fr") -> dict[str, float]:
    """Share of test messages routed automatically, and accuracy among them, for a threshold."""
    test = train(lang).test
    auto = test["confiance"] >= threshold
    ok = test["predite"] == test["categorie"]
    return {"threshold": float(threshold), "auto_share": round(float(auto.mean()), 3),
            "human_share": round(float(1 - auto.mean()), 3),
            "auto_accuracy": round(float(ok[auto].mean()), 3) if auto.any() else float("nan"),
            "errors_auto": int((auto & ~ok).sum()), "n": int(len(test))}


def plot_thresholds(lang: str = "fr"):
    import matplotlib.pyplot as plt
    L = _lang(lang)
    grid = np.round(np.arange(0.2, 0.91, 0.05), 2)
    eff = [threshold_effect(t, lang) for t in grid]
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    ax.plot(grid, [e["auto_accuracy"] for e in eff], marker="o",
            label="exactitude des messages traités automatiquement" if L == "fr" else "accuracy of automatically routed messages")
    ax.plot(grid, [e["human_share"] for e in eff], marker="s",
            label="part envoyée en revue humaine" if L == "fr" else "share sent to human review")
    ax.axhline(TARGET_ACCURACY, ls="--", lw=0.8, color="grey",
               label="objectif : au moins 95 % d'exactitude" if L == "fr" else "goal: at least 95% accuracy")
    ax.axhline(MAX_HUMAN_SHARE, ls=":", lw=0.8, color="grey",
               label="limite : un tiers en revue humaine" if L == "fr" else "limit: a third to human review")
    ax.set_xlabel("seuil de confiance" if L == "fr" else "confidence threshold")
    ax.set_ylabel("proportion (0 à 1)" if L == "fr" else "proportion (0 to 1)")
    ax.set_ylim(0, 1.05)
    ax.set_title("Choisir le seuil de revue humaine" if L == "fr" else "Choosing the human-review threshold")
    ax.legend(fontsize=7, loc="center left")
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def check_threshold(threshold: float, lang: str = "fr") -> CheckResult:
    """Goal: ≥ 95 % correct among automatic routings, and at most a third of the mail to a person."""
    fr = lang == "fr"
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        return show(CheckResult(False, 0.0, ["Le seuil doit être un nombre entre 0 et 1." if fr else
                                             "The threshold must be a number between 0 and 1."]))
    if not 0 <= threshold <= 1:
        return show(CheckResult(False, 0.0, ["Le seuil doit être compris entre 0 et 1." if fr else
                                             "The threshold must be between 0 and 1."]))
    e = threshold_effect(threshold, lang)
    acc_ok = e["auto_accuracy"] == e["auto_accuracy"] and e["auto_accuracy"] >= TARGET_ACCURACY
    human_ok = e["human_share"] <= MAX_HUMAN_SHARE + 1e-9
    msgs = [(f"Seuil {threshold:.2f} : {e['auto_share']:.0%} des messages aiguillés automatiquement, dont "
             f"{e['auto_accuracy']:.0%} bien aiguillés ({e['errors_auto']} erreur(s) sur {e['n']} messages de test) ; "
             f"{e['human_share']:.0%} envoyés à une personne." if fr else
             f"Threshold {threshold:.2f}: {e['auto_share']:.0%} of messages routed automatically, "
             f"{e['auto_accuracy']:.0%} of them correctly ({e['errors_auto']} error(s) out of {e['n']} test messages); "
             f"{e['human_share']:.0%} sent to a person.")]
    if not acc_ok:
        msgs.append("Trop d'erreurs passent sans contrôle : montez le seuil." if fr else
                    "Too many errors get through unchecked: raise the threshold.")
    if not human_ok:
        msgs.append("L'équipe recevrait trop de messages à relire : baissez le seuil." if fr else
                    "The team would get too many messages to review: lower the threshold.")
    if acc_ok and human_ok:
        msgs.append("Bon compromis. Vérifiez-le de temps en temps sur des messages réels : les demandes changent." if fr else
                    "A good compromise. Check it now and then on real messages: requests change over time.")
    score = (acc_ok + human_ok) / 2
    return show(CheckResult(acc_ok and human_ok, score, msgs, e))


def most_confused_pair(lang: str = "fr") -> tuple[tuple[str, str], int]:
    """The two categories most often mistaken for each other (both directions added up)."""
    from sklearn.metrics import confusion_matrix
    t = train(lang)
    m = confusion_matrix(t.test["categorie"], t.test["predite"], labels=CATEGORIES)
    best, count = None, -1
    for i in range(len(CATEGORIES)):
        for j in range(i + 1, len(CATEGORIES)):
            if m[i, j] + m[j, i] > count:
                best, count = (CATEGORIES[i], CATEGORIES[j]), int(m[i, j] + m[j, i])
    return best, count


def check_confusion(category_1: str, category_2: str, lang: str = "fr") -> CheckResult:
    """The learner reads the confusion matrix: which two categories does the model mix up most?"""
    fr = lang == "fr"
    L = _lang(lang)
    pair, count = most_confused_pair(lang)
    given = {_category(category_1), _category(category_2)}
    names = " / ".join(CATEGORY_NAMES[L][c] for c in pair)
    if None in given:
        valid = ", ".join(CATEGORIES if fr else (_norm(n.split("/")[0]) for n in CATEGORY_NAMES["en"].values()))
        return show(CheckResult(False, 0.0, [f"Catégorie inconnue : utilisez {valid}." if fr else
                                             f"Unknown category: use {valid}."], {"pair": pair}))
    from sklearn.metrics import confusion_matrix
    t = train(lang)
    m = confusion_matrix(t.test["categorie"], t.test["predite"], labels=CATEGORIES)
    a, b = sorted(given, key=CATEGORIES.index) if len(given) == 2 else (next(iter(given)),) * 2
    theirs = int(m[CATEGORIES.index(a), CATEGORIES.index(b)] + m[CATEGORIES.index(b), CATEGORIES.index(a)]) if a != b else 0
    if given == set(pair) or (len(given) == 2 and theirs == count):
        msgs = [f"Oui : {names}, {count} confusion(s) dans les messages de test." if fr else
                f"Yes: {names}, {count} confusion(s) in the test messages.",
                "Ces demandes partagent du vocabulaire (remboursement, reçu, annulation…). Une règle simple aide : "
                "tout message qui exprime un mécontentement part aussi au service qualité." if fr else
                "These requests share vocabulary (payment, fee, receipt, cancellation…). A simple rule helps: any message "
                "that voices dissatisfaction is also copied to the quality team."]
        return show(CheckResult(True, 1.0, msgs, {"pair": pair, "count": count}))
    how_often = ((f"ne sont confondues que {theirs} fois" if theirs else "ne sont jamais confondues") if fr else
                 (f"are mixed up only {theirs} time(s)" if theirs else "are never mixed up"))
    msgs = [f"Non : ces deux catégories {how_often}. Cherchez dans la matrice les plus grands "
            "nombres hors de la diagonale (des deux côtés)." if fr else
            f"No: these two categories {how_often}. Look in the matrix for the largest numbers "
            "off the diagonal (on both sides)."]
    return show(CheckResult(False, 0.0, msgs, {"pair": pair, "count": count}))


# ---------------------------------------------------------------- (b) OCR of scanned letters

def load_letters(lang: str = "fr") -> list[dict]:
    """The true text and request type of each bundled letter of the notebook's language (id, categorie, texte)."""
    f = FILES[_lang(lang)]
    with open(dataset_path(f"{f.letters_dir}/{f.letters_json}"), encoding="utf-8") as fh:
        doc = {f.letter_keys.get(k, k): v for k, v in json.load(fh).items()}
    return [{f.letter_keys.get(k, k): (f.categories.get(v, v) if f.letter_keys.get(k, k) == "categorie" else v)
             for k, v in letter.items()} for letter in doc["letters"]]


def letter_id(letter: str | int, lang: str = "fr") -> str:
    """The id of a letter in the notebook's language: 4, "lettre_4" or "letter_4" -> "lettre_4" (fr) / "letter_4" (en)."""
    number = str(letter).rsplit("_", 1)[-1]
    return f"{FILES[_lang(lang)].letter_prefix}{number}"


def render_letter(text: str, path: str | Path, seed: int = 0, angle: float | None = None,
                  wear: float = 1.0) -> Path:
    """Draw a letter as a slightly tilted, blurred, speckled greyscale 'scan' (how the bundled PNGs were made).

    wear (0 to about 3) sets how worn the scan looks: blur, dust specks and faded ink.
    """
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
    rng = np.random.default_rng(seed)
    font = ImageFont.truetype(FONT, 24)
    lines = text.split("\n")
    width, line_h, margin = 900, 34, 60
    img = Image.new("L", (width, margin * 2 + line_h * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * line_h), line, font=font, fill=int(rng.integers(15, 50) + 30 * wear))
    angle = float(rng.uniform(-1.2, 1.2)) if angle is None else angle
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(0.4 + 0.3 * wear))
    arr = np.array(img, dtype=np.int16)
    n = int(arr.size * 0.002 * wear)                                  # sparse dark specks, like dust on a scanner
    ys, xs = rng.integers(0, arr.shape[0], n), rng.integers(0, arr.shape[1], n)
    arr[ys, xs] = rng.integers(60, 180, n)
    arr = (arr // 8) * 8                                  # fewer grey levels: a smaller PNG
    out = Path(path)
    Image.fromarray(arr.clip(0, 255).astype(np.uint8)).save(out, optimize=True)
    return out


def make_letter_images(folder: str | Path | None = None, lang: str = "fr") -> list[Path]:
    """Re-create the bundled PNGs of one language from the true texts (used once, when the dataset was built)."""
    folder = Path(folder) if folder else dataset_path(FILES[_lang(lang)].letters_dir)
    return [render_letter(l["texte"], folder / f"{l['id']}.png", seed=i + 1, wear=WEAR[i % len(WEAR)])
            for i, l in enumerate(load_letters(lang))]


def tesseract_ready() -> bool:
    return shutil.which("tesseract") is not None


def _require_tesseract(code: str = "fra"):
    package = f"tesseract-ocr-{code}"
    if not tesseract_ready():
        raise SetsError("the Tesseract OCR program is not installed",
                        hint=f"on Debian/Ubuntu: apt-get install tesseract-ocr {package}")
    import pytesseract
    if code not in pytesseract.get_languages(config=""):
        raise SetsError(f"Tesseract has no {'French' if code == 'fra' else 'English'} language data",
                        hint=f"on Debian/Ubuntu: apt-get install {package}")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def char_accuracy(reference: str, ocr_text: str) -> float:
    """1 - (edit distance / length of the reference), spaces and line breaks normalised."""
    a, b = _flat(reference), _flat(ocr_text)
    if not a:
        return 1.0 if not b else 0.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return max(0.0, 1 - prev[-1] / len(a))


@lru_cache(maxsize=16)
def ocr(letter: str, lang: str = "fr") -> str:
    """The text Tesseract reads in a bundled letter image, with the model of the letter's language."""
    f = FILES[_lang(lang)]
    _require_tesseract(f.tesseract)
    import pytesseract
    from PIL import Image
    with Image.open(dataset_path(f"{f.letters_dir}/{letter_id(letter, lang)}.png")) as img:
        return pytesseract.image_to_string(img, lang=f.tesseract)


def ocr_letters(threshold: float = 0.5, lang: str = "fr") -> pd.DataFrame:
    """OCR every letter, measure character accuracy, classify and route the OCR text."""
    L = _lang(lang)
    rows = []
    model = train(lang).model
    for letter in load_letters(lang):
        text = ocr(letter["id"], L)
        p = model.predict_proba([text])[0]
        cat, conf = model.classes_[p.argmax()], float(p.max())
        rows.append({"lettre" if L == "fr" else "letter": letter["id"],
                     "caractères exacts" if L == "fr" else "character accuracy": round(char_accuracy(letter["texte"], text), 3),
                     "vraie catégorie" if L == "fr" else "true category": CATEGORY_NAMES[L][letter["categorie"]],
                     "catégorie prédite" if L == "fr" else "predicted category": CATEGORY_NAMES[L][cat],
                     "confiance" if L == "fr" else "confidence": round(conf, 2),
                     "équipe" if L == "fr" else "team": TEAMS[L][cat if conf >= threshold else None]})
    return pd.DataFrame(rows)


def show_letter(letter: str | int = 1, lang: str = "fr"):
    """Display a scanned letter (a number, or an id such as "lettre_4" / "letter_4") and what Tesseract read."""
    import matplotlib.pyplot as plt
    from PIL import Image
    L = _lang(lang)
    lid = letter_id(letter, L)
    text = ocr(lid, L)
    with Image.open(dataset_path(f"{FILES[L].letters_dir}/{lid}.png")) as img:
        fig, ax = plt.subplots(figsize=(6, 6 * img.height / img.width))
        ax.imshow(img, cmap="gray")
    ax.set_title(f"{lid} : image « scannée »" if L == "fr" else f"{lid}: 'scanned' image")
    ax.set_xlabel("largeur (pixels)" if L == "fr" else "width (pixels)")
    ax.set_ylabel("hauteur (pixels)" if L == "fr" else "height (pixels)")
    fig.tight_layout()
    plt.show()
    plt.close(fig)
    print(("Texte lu par Tesseract :\n" if L == "fr" else "Text read by Tesseract:\n") + text)
    return text


# ---------------------------------------------------------------- (c) sentiment of beneficiary feedback

def load_feedback(lang: str = "fr") -> pd.DataFrame:
    """Synthetic feedback in the notebook's language: id, service, texte, sentiment (positif/négatif), ironie (0/1), gabarit.

    The English file has English column names and labels; they are read into the same columns and values."""
    f = FILES[_lang(lang)]
    df = pd.read_csv(dataset_path(f.feedback), comment="#").rename(columns=f.feedback_columns)
    if f.sentiments:
        df["sentiment"] = df["sentiment"].map(f.sentiments)
    return df


def sentiment_predictions(lang: str = "fr") -> pd.DataFrame:
    """Each comment's sentiment predicted by a model that never saw that comment (5-fold cross-validation)."""
    return _sentiment_predictions(_lang(lang)).copy()


@lru_cache(maxsize=2)
def _sentiment_predictions(lang: str) -> pd.DataFrame:
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
    df = load_feedback(lang)
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    df["predit"] = cross_val_predict(_model(), df["texte"], df["sentiment"], cv=folds, groups=df["gabarit"])
    return df


def _by_service(lang: str) -> pd.DataFrame:
    """Per service: n, human (positive share by the labels), model (positive share predicted), lowest first."""
    df = sentiment_predictions(lang)
    g = df.groupby("service")
    out = pd.DataFrame({"n": g.size(), "human": g["sentiment"].apply(lambda s: (s == "positif").mean()).round(2),
                        "model": g["predit"].apply(lambda s: (s == "positif").mean()).round(2)})
    return out.sort_values("model")


def sentiment_by_service(lang: str = "fr") -> pd.DataFrame:
    """Per service: number of comments, share positive according to people and according to the model."""
    out = _by_service(_lang(lang))
    if _lang(lang) == "fr":
        return out.rename(columns={"n": "commentaires", "human": "part positive (étiquettes)",
                                   "model": "part positive (modèle)"}).rename_axis("service")
    return out.rename(columns={"n": "comments", "human": "positive share (labels)",
                               "model": "positive share (model)"}).rename_axis("service")


def sentiment_accuracy(lang: str = "fr") -> float:
    df = sentiment_predictions(lang)
    return round(float((df["predit"] == df["sentiment"]).mean()), 3)


def irony_table(lang: str = "fr") -> pd.DataFrame:
    """The ironic comments (positive words, negative meaning) and what the model made of them."""
    df = sentiment_predictions(lang)
    ir = df[df["ironie"] == 1][["service", "texte", "sentiment", "predit"]]
    if _lang(lang) == "fr":
        return ir.rename(columns={"sentiment": "étiquette", "predit": "prédiction"}).reset_index(drop=True)
    ir = ir.replace({"positif": "positive", "négatif": "negative"})
    return ir.rename(columns={"texte": "text", "sentiment": "label", "predit": "prediction"}).reset_index(drop=True)


def plot_sentiment(lang: str = "fr"):
    import matplotlib.pyplot as plt
    L = _lang(lang)
    t = _by_service(L)
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    y = np.arange(len(t))
    ax.barh(y - 0.2, t["model"], 0.4, label="selon le modèle" if L == "fr" else "according to the model")
    ax.barh(y + 0.2, t["human"], 0.4, label="selon les étiquettes humaines" if L == "fr"
            else "according to human labels")
    ax.set_yticks(y, [f"{s} (n={n})" for s, n in zip(t.index, t["n"])])
    ax.set_xlim(0, 1)
    ax.set_xlabel("part des commentaires positifs" if L == "fr" else "share of positive comments")
    ax.set_ylabel("service")
    ax.set_title("Retours des bénéficiaires par service" if L == "fr" else "Beneficiary feedback by service")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def check_sentiment(lowest_service: str, sentiment_measures_impact: bool, lang: str = "fr") -> CheckResult:
    """Which service has the lowest positive share (model), and does sentiment measure social impact?"""
    fr = lang == "fr"
    t = _by_service(_lang(lang))
    share = t["model"]
    worst = share.idxmin()
    given = next((s for s in t.index if _norm(s) == _norm(lowest_service)), None)
    msgs, good = [], 0
    if given is not None and share[given] == share[worst]:
        good += 1
        msgs.append(f"Oui : {worst}, {share[worst]:.0%} de commentaires positifs selon le modèle, sur "
                    f"{t.loc[worst, 'n']} commentaires seulement." if fr else
                    f"Yes: {worst}, {share[worst]:.0%} positive comments according to the model, out of only "
                    f"{t.loc[worst, 'n']} comments.")
    else:
        msgs.append(f"Non : relisez le graphique, c'est « {worst} » qui a la plus faible part positive ({share[worst]:.0%})." if fr
                    else f"No: read the chart again; \"{worst}\" has the lowest positive share ({share[worst]:.0%}).")
    if not sentiment_measures_impact:
        good += 1
        msgs.append("Exact : le ton d'un commentaire dit si la personne est satisfaite, pas si sa situation a changé. "
                    "L'impact se mesure avec des indicateurs de résultat (accès aux soins, réussite scolaire…)." if fr else
                    "Right: the tone of a comment says whether the person is satisfied, not whether their situation "
                    "changed. Impact is measured with outcome indicators (access to care, school results…).")
    else:
        msgs.append("Non : la satisfaction n'est pas l'impact. Un service peut être apprécié sans changer la situation des "
                    "personnes, ou être critiqué (retards) tout en étant indispensable." if fr else
                    "No: satisfaction is not impact. A service can be liked without changing people's situation, or be "
                    "criticised (delays) while being essential.")
    return show(CheckResult(good == 2, good / 2, msgs, {"worst": worst}))
