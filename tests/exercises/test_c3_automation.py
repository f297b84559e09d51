"""Automation: e-mail triage with human review, OCR of scanned letters, sentiment of feedback, in French and English."""

import math

import pytest

from sets_courseware.exercises import c3_automation as a

LANGS = ["fr", "en"]
VOLUNTEER = {"fr": "Je voudrais devenir bénévole le samedi matin pour la distribution alimentaire.",
             "en": "I would like to volunteer on Saturday mornings for the food distribution."}
TEAM = {"fr": "équipe", "en": "team"}
COLUMNS = {"fr": ["catégorie", "précision", "rappel", "F1", "messages de test"],
           "en": ["category", "precision", "recall", "F1", "test messages"]}
FRENCH_WORDS = {"bonjour", "je", "votre", "merci", "adhésion", "reçu"}


@pytest.mark.parametrize("lang", LANGS)
def test_triage_learns_and_routes(lang):
    t = a.train(lang)
    assert len(a.load_emails(lang)) >= 200
    assert t.accuracy > 0.75
    assert set(t.test["categorie"]) == set(a.CATEGORIES)
    assert list(a.scores(lang).columns) == COLUMNS[lang]
    assert a.confusion(lang).values.sum() == len(t.test)
    routed = a.classify([VOLUNTEER[lang]], threshold=0.0, lang=lang)
    assert routed[TEAM[lang]].iloc[0] == a.TEAMS[lang]["benevolat"]
    assert a.classify("Hello" if lang == "en" else "Bonjour", threshold=1.0, lang=lang)[TEAM[lang]].iloc[0] == a.TEAMS[lang][None]


def test_english_data_are_english_and_match_the_french_ones():
    fr, en = a.load_emails("fr"), a.load_emails("en")
    assert (fr["id"] == en["id"]).all() and (fr["categorie"] == en["categorie"]).all()
    assert (fr["gabarit"].str.split("-").str[1] == en["gabarit"].str.split("-").str[1]).all()
    words = {w.strip(".,?!").lower() for text in en["texte"] for w in text.split()}
    assert not FRENCH_WORDS & words
    raw = a.pd.read_csv(a.dataset_path(a.FILES["en"].emails), comment="#")
    assert list(raw.columns) == ["id", "category", "template", "text"]
    feedback = a.pd.read_csv(a.dataset_path(a.FILES["en"].feedback), comment="#")
    assert list(feedback.columns) == ["id", "service", "text", "sentiment", "irony", "template"]
    assert set(feedback["sentiment"]) == {"positive", "negative"}


@pytest.mark.parametrize("lang", LANGS)
def test_threshold_effect_is_monotonic(lang):
    low, high = a.threshold_effect(0.0, lang), a.threshold_effect(0.99, lang)
    assert low["auto_share"] == 1.0 and high["human_share"] >= low["human_share"]


@pytest.mark.parametrize("lang", LANGS)
def test_check_threshold_right_and_wrong(lang):
    grid = [round(x / 100, 2) for x in range(5, 100, 5)]
    good = [x for x in grid if a.threshold_effect(x, lang)["auto_accuracy"] >= a.TARGET_ACCURACY
            and a.threshold_effect(x, lang)["human_share"] <= a.MAX_HUMAN_SHARE]
    assert good, "some threshold must meet both goals"
    assert a.check_threshold(good[0], lang=lang).ok
    too_low = a.check_threshold(0.0, lang=lang)
    assert not too_low.ok and too_low.score == 0.5
    assert not a.check_threshold(0.99, lang=lang).ok
    assert not a.check_threshold("abc", lang=lang).ok


@pytest.mark.parametrize("lang", LANGS)
def test_check_confusion_right_and_wrong(lang):
    (c1, c2), count = a.most_confused_pair(lang)
    assert count > 0
    assert a.check_confusion(c2, c1, lang=lang).ok
    assert a.check_confusion(a.CATEGORY_NAMES[lang][c1], a.CATEGORY_NAMES[lang][c2], lang=lang).ok
    others = [c for c in a.CATEGORIES if c not in (c1, c2)]
    wrong = [(x, y) for i, x in enumerate(others) for y in others[i + 1:]]
    assert any(not a.check_confusion(x, y, lang=lang).ok for x, y in wrong)
    assert not a.check_confusion("n'importe quoi", c1, lang=lang).ok


def test_english_category_words_are_understood():
    (c1, c2), _ = a.most_confused_pair("en")
    first = {k: a._norm(v.split("/")[0]) for k, v in a.CATEGORY_NAMES["en"].items()}
    assert a.check_confusion(first[c1], first[c2], lang="en").ok
    assert first == {"adhesion": "membership", "remboursement": "refund", "reclamation": "complaint",
                     "benevolat": "volunteering", "don": "donation", "rgpd": "gdpr"}


def test_char_accuracy():
    assert a.char_accuracy("bonjour  le\nmonde", "bonjour le monde") == 1.0
    assert math.isclose(a.char_accuracy("abcd", "abxd"), 0.75)
    assert a.char_accuracy("abc", "") == 0.0


@pytest.mark.parametrize("lang", LANGS)
def test_bundled_letter_images_are_reproducible(lang, tmp_path):
    made = a.make_letter_images(tmp_path, lang=lang)
    assert [p.name for p in made] == [f"{a.letter_id(i, lang)}.png" for i in range(1, 5)]
    for p in made:
        assert p.read_bytes() == a.dataset_path(f"{a.FILES[lang].letters_dir}/{p.name}").read_bytes()


def test_letter_ids_follow_the_language():
    assert a.letter_id(4, "en") == "letter_4" and a.letter_id("lettre_4", "en") == "letter_4"
    assert a.letter_id("letter_2", "fr") == "lettre_2"
    assert [l["categorie"] for l in a.load_letters("en")] == [l["categorie"] for l in a.load_letters("fr")]


def test_render_letter(tmp_path):
    from PIL import Image
    p = a.render_letter("Bonjour,\nceci est un essai.", tmp_path / "x.png", seed=3, wear=1.0)
    with Image.open(p) as img:
        assert img.mode == "L" and img.width == 900


@pytest.mark.skipif(not a.tesseract_ready(), reason="the tesseract binary is missing (Debian: tesseract-ocr)")
@pytest.mark.parametrize("lang", LANGS)
def test_ocr_letters(lang):
    accuracy = "caractères exacts" if lang == "fr" else "character accuracy"
    true, predicted = (("vraie catégorie", "catégorie prédite") if lang == "fr"
                       else ("true category", "predicted category"))
    df = a.ocr_letters(lang=lang)
    assert len(df) == len(a.load_letters(lang)) == 4
    assert (df[accuracy] > 0.85).all()
    assert df[accuracy].iloc[-1] < 1.0            # the worn letter has errors to spot
    assert (df[true] == df[predicted]).sum() >= 3


@pytest.mark.parametrize("lang,package", [("fr", "tesseract-ocr-fra"), ("en", "tesseract-ocr-eng")])
def test_missing_tesseract_gives_install_hint(monkeypatch, lang, package):
    from sets_courseware.errors import SetsError
    monkeypatch.setattr(a.shutil, "which", lambda name: None)
    a.ocr.cache_clear()
    with pytest.raises(SetsError, match=package):
        a.ocr(a.letter_id(1, lang), lang)
    a.ocr.cache_clear()


@pytest.mark.parametrize("lang", LANGS)
def test_sentiment_and_checker(lang):
    cols = (["commentaires", "part positive (étiquettes)", "part positive (modèle)"] if lang == "fr"
            else ["comments", "positive share (labels)", "positive share (model)"])
    by = a.sentiment_by_service(lang)
    assert list(by.columns) == cols
    assert by[cols[0]].sum() == len(a.load_feedback(lang))
    assert 0.6 < a.sentiment_accuracy(lang) <= 1.0
    assert len(a.irony_table(lang)) >= 4
    worst, best = by[cols[2]].idxmin(), by[cols[2]].idxmax()
    assert a.check_sentiment(worst, False, lang=lang).ok
    wrong = a.check_sentiment(best, True, lang=lang)
    assert not wrong.ok and wrong.score == 0
    if lang == "en":
        assert set(by.index) == {"Social grocery", "Digital skills workshop", "Homework club", "Community transport"}
