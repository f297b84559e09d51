"""Kanban exercise: the checker finds each workflow flaw, accepts a sound board, exports CSV and Markdown."""

import csv

from sets_courseware.exercises import c2_kanban as kb

COLUMNS = [{"nom": "À faire"}, {"nom": "En cours", "limite": 3}, {"nom": "À valider", "limite": 2}, {"nom": "Terminé"}]
GOOD = [
    {"titre": "Réserver la place", "responsable": "Amina", "echeance": "2025-04-04", "colonne": "Terminé", "termine_le": "2025-03-28"},
    {"titre": "Affiche", "responsable": "Sophie", "echeance": "2025-04-25", "colonne": "En cours"},
    {"titre": "Bénévoles", "responsable": "Karim", "echeance": "2025-05-09", "colonne": "En cours"},
    {"titre": "Sondage Framadate", "responsable": "Karim", "echeance": "2025-05-12", "colonne": "À valider"},
    {"titre": "Accès fauteuil", "responsable": "Lucas", "echeance": "2025-05-16", "colonne": "À faire"},
]


def test_sound_board_passes_in_both_languages():
    assert kb.check_board(COLUMNS, GOOD, lang="fr", display=False).ok
    res = kb.check_board(COLUMNS, GOOD, lang="en", display=False)
    assert res.ok and res.score == 1.0 and "Valid workflow" in res.messages[0]


def test_english_keys_are_accepted():
    cols = [{"name": "To do"}, {"name": "In progress", "wip": 2}, {"name": "Done"}]
    cards = [{"title": "Poster", "owner": "Sophie", "due": "2025-04-25", "column": "In progress"}]
    assert kb.check_board(cols, cards, lang="en", display=False).ok


def test_example_board_flaws_are_all_reported():
    res = kb.check_board(COLUMNS, kb.load_cards(), lang="fr", display=False)
    text = " ".join(res.messages)
    assert not res.ok and 0 < res.score < 1
    assert "4 cartes pour une limite de 3" in text
    assert "Programmer les groupes de musique" in text  # no owner
    assert "Commander la vaisselle" in text  # no due date
    assert "Assurance responsabilité civile" in text  # done without a date


def test_wrong_column_order_and_missing_wip_fail():
    reversed_cols = [{"nom": "Terminé"}, {"nom": "En cours"}, {"nom": "À faire"}]
    res = kb.check_board(reversed_cols, GOOD[1:3], lang="en", display=False)
    assert not res.ok
    assert any("first column" in m for m in res.messages)
    assert any("last column" in m for m in res.messages)
    assert any("no WIP limit" in m for m in res.messages)


def test_export_writes_csv_and_markdown(tmp_path):
    paths = kb.export_board(COLUMNS, GOOD, tmp_path, stem="fete")
    rows = list(csv.DictReader(open(paths["csv"], encoding="utf-8")))
    assert [r["colonne"] for r in rows] == ["À faire", "En cours", "En cours", "À valider", "Terminé"]
    md = paths["md"].read_text(encoding="utf-8")
    assert "## En cours (2/3)" in md and "- [x] Réserver la place" in md and "- [ ] Affiche" in md


def test_the_notebook_fix_makes_the_example_board_valid():
    cards = kb.load_cards()
    cards[4]["responsable"] = "Lucas"
    cards[6]["echeance"] = "2025-05-02"
    cards[8]["termine_le"] = "2025-04-08"
    cards[1]["colonne"] = "À faire"
    assert kb.check_board(COLUMNS, cards, display=False).ok
    cards[1]["colonne"] = "En cours"  # the starting value: still over the WIP limit
    assert not kb.check_board(COLUMNS, cards, display=False).ok


EN_COLUMNS = [{"name": "To do"}, {"name": "In progress", "wip": 3}, {"name": "To review", "wip": 2}, {"name": "Done"}]


def test_english_example_board_has_english_keys_and_the_same_flaws():
    fr, en = kb.load_cards("fr"), kb.load_cards("en")
    assert list(en[0]) == ["title", "owner", "due", "column", "done_on"] and len(en) == len(fr)
    res = kb.check_board(EN_COLUMNS, en, lang="en", display=False)
    text = " ".join(res.messages)
    assert not res.ok
    assert res.details["problems"] == kb.check_board(COLUMNS, fr, display=False).details["problems"]
    assert "'In progress' holds 4 cards for a limit of 3" in text
    assert "Book the bands" in text and "Order reusable tableware" in text and "Public liability insurance" in text


def test_the_english_notebook_fix_makes_the_example_board_valid(tmp_path):
    cards = kb.load_cards("en")
    cards[4]["owner"] = "Lucas"
    cards[6]["due"] = "2025-05-02"
    cards[8]["done_on"] = "2025-04-08"
    cards[1]["column"] = "To do"
    assert kb.check_board(EN_COLUMNS, cards, lang="en", display=False).ok
    paths = kb.export_board(EN_COLUMNS, cards, tmp_path, stem="street_party", lang="en")
    rows = list(csv.DictReader(open(paths["csv"], encoding="utf-8")))
    assert list(rows[0]) == ["title", "owner", "due", "column", "done_on"]
    assert "# Kanban board" in paths["md"].read_text(encoding="utf-8")
    cards[1]["column"] = "In progress"
    assert not kb.check_board(EN_COLUMNS, cards, lang="en", display=False).ok
