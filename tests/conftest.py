"""Fixtures: real files in tmp_path, real stores, real notebooks; no mocks of our own code."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def mini_bank(module: str = "3.2") -> tuple[dict, dict, dict]:
    """A small, valid bank for one module (test data: answers rotate a, b, c, d, a)."""
    from sets_courseware.content import catalog
    subtopics = [s.id for s in catalog().module(module).subtopics]
    letters = "abcda"
    questions, keys = [], {}
    for i in range(5):
        qid = f"{module}.q{i + 1}"
        tags = [subtopics[i % len(subtopics)]]
        questions.append({"id": qid, "subtopics": tags, "digcomp": "1.2",
                          "fr": {"prompt": f"Question de test {qid} ?", "choices": {c: f"Choix {c} de {qid}" for c in "abcd"}},
                          "en": {"prompt": f"Test question {qid}?", "choices": {c: f"Choice {c} of {qid}" for c in "abcd"}}})
        keys[qid] = {"answer": letters[i], "why": {"fr": f"Raison secrète {qid}", "en": f"Secret reason {qid}"}}
    formative = {"module": module, "items": [
        {"id": f"{subtopics[0]}.f1", "subtopic": subtopics[0],
         "fr": {"prompt": "Vrai ?", "choices": [{"text": "Oui", "correct": True, "explanation": "C'est vrai."},
                                                 {"text": "Non", "explanation": "Ce n'est pas faux."}]},
         "en": {"prompt": "True?", "choices": [{"text": "Yes", "correct": True, "explanation": "It is true."},
                                                {"text": "No", "explanation": "It is not false."}]}}]}
    return {"module": module, "questions": questions}, {"module": module, "keys": keys}, formative


def mini_quiz(module: str = "3.2") -> tuple[dict, dict]:
    """A small module-quiz bank (8 questions; answers rotate a, b, c, d) and its keys."""
    from sets_courseware.content import catalog
    subtopics = [s.id for s in catalog().module(module).subtopics]
    questions, keys = [], {}
    for i in range(8):
        qid = f"{module}.m{i + 1}"
        questions.append({"id": qid, "subtopics": [subtopics[i % len(subtopics)]], "digcomp": "1.2",
                          "fr": {"prompt": f"Question de quiz {qid} ?", "choices": {c: f"Option {c} de {qid}" for c in "abcd"}},
                          "en": {"prompt": f"Quiz question {qid}?", "choices": {c: f"Option {c} of {qid}" for c in "abcd"}}})
        keys[qid] = {"answer": "abcd"[i % 4], "why": {"fr": f"Explication du quiz {qid}", "en": f"Quiz explanation {qid}"}}
    return {"module": module, "questions": questions}, {"module": module, "keys": keys}


def write_content(base: Path, modules=("3.2",)) -> tuple[Path, Path]:
    banks_dir, keys_dir = base / "banks", base / "keys"
    for kind in ("summative", "formative", "quiz"):
        (banks_dir / kind).mkdir(parents=True, exist_ok=True)
    (keys_dir / "quiz").mkdir(parents=True, exist_ok=True)
    for m in modules:
        quiz, quiz_keys = mini_quiz(m)
        (banks_dir / "quiz" / f"{m}.yaml").write_text(yaml.safe_dump(quiz, allow_unicode=True), encoding="utf-8")
        (keys_dir / "quiz" / f"{m}.yaml").write_text(yaml.safe_dump(quiz_keys, allow_unicode=True), encoding="utf-8")
        summ, keys, form = mini_bank(m)
        (banks_dir / "summative" / f"{m}.yaml").write_text(yaml.safe_dump(summ, allow_unicode=True), encoding="utf-8")
        (banks_dir / "formative" / f"{m}.yaml").write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
        (keys_dir / f"{m}.yaml").write_text(yaml.safe_dump(keys, allow_unicode=True), encoding="utf-8")
    return banks_dir, keys_dir


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An isolated SETS_HOME (database, learner name) with fresh caches."""
    from sets_courseware.content import clear_caches
    monkeypatch.setenv("SETS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SETS_DB_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("SETS_LEARNER", raising=False)
    clear_caches()
    yield tmp_path
    clear_caches()


@pytest.fixture
def mini(env, monkeypatch):
    """Banks and keys of test data for modules 3.2 and 2.1 (independent of the course content)."""
    from sets_courseware.content import clear_caches
    banks_dir, keys_dir = write_content(env / "content", modules=("3.2", "2.1", "2.2", "2.3"))
    monkeypatch.setenv("SETS_BANKS_DIR", str(banks_dir))
    monkeypatch.setenv("SETS_KEYS_DIR", str(keys_dir))
    clear_caches()
    return env


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("source", "release", "submitted", "autograded",
                                                            "feedback", "gradebook.db", "__pycache__"))
    return dst


def bin_path(name: str) -> str:
    return str(BIN / name)


def chromium_path() -> str | None:
    for p in (os.environ.get("SETS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if p and Path(p).exists():
            return p
    return None
