"""GDPR rights on a learner's data in every place it lives: export, erase, retention purge; the
privacy notice; backups of the store.

One deployment in tmp_path holds two learners' data everywhere (store, answers files in their
homes, nbgrader gradebook, submitted/intake/autograded/feedback, logs, reports and grade
exports, the nbgrader exchange, certificates). Export and erase go through `sets learner …`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from sets_courseware.answers import AnswerFile
from sets_courseware.assessment import AssessmentService
from sets_courseware.cli import main
from sets_courseware.content import banks, clear_caches, load_keys
from sets_courseware.store import Store

ANA, BO = "ana-lopez", "bo-martin"
ASSIGNMENT = "m3_2_fr"


def seed_learner(base: Path, store: Store, name: str, secret: str) -> list[Path]:
    """Every kind of data the product holds on a learner; returns the files written."""
    service = AssessmentService(store)
    qs = banks().course_questions("3")
    for i, q in enumerate(qs):
        service.save(name, "3", "initial", q.id, "abcd"[i % 4])
    service.submit(name, "3", "initial")
    service.save(name, "3", "final", qs[0].id, "b")
    service.ask(name, "3", f"Question de {name} pour la table ronde", "3.2")

    files = []
    home = base / "homes" / name / "course3_ai" / "fr"
    quiz = AnswerFile("3.2", home)
    quiz.save("3.2.m1", "a")
    quiz.save("3.2.m2", "c")
    broken = home / "sets-answers-3.1.json.broken-20260101-101010"
    broken.write_text("{not json " + name, encoding="utf-8")
    files += [quiz.path, broken]

    graders = base / "graders"
    notebook = json.dumps({"cells": [], "metadata": {"learner": name}, "nbformat": 4, "nbformat_minor": 5})
    for folder in ("submitted", "intake", "autograded"):
        d = graders / folder / name / ASSIGNMENT
        d.mkdir(parents=True)
        (d / "module_3_2.ipynb").write_text(notebook, encoding="utf-8")
        (d / "sets-answers-3.2.json").write_text(json.dumps({"answers": {"3.2.m1": "a"}, "who": name}))
        (d / "timestamp.txt").write_text("2026-01-05 10:00:00.000000 UTC")
        (d / "submission_secret.txt").write_text(secret)
        files += sorted(d.iterdir())
    fb = graders / "feedback" / name / ASSIGNMENT
    fb.mkdir(parents=True)
    (fb / "module_3_2.html").write_text(f"<p>Retour pour {name}</p>")
    (fb / "submission_secret.txt").write_text(secret)
    files += [fb / "module_3_2.html", fb / "submission_secret.txt"]
    log = graders / "logs" / ASSIGNMENT / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"autograde {name}\n")
    files.append(log)

    exchange = base / "exchange" / "sets"
    inbound = exchange / "inbound" / f"{name}+{ASSIGNMENT}+2026-01-05 10:00:00.000000 UTC+x1y2"
    inbound.mkdir(parents=True)
    (inbound / "module_3_2.ipynb").write_text(notebook, encoding="utf-8")
    (inbound / "submission_secret.txt").write_text(secret)
    released = exchange / "feedback" / (hashlib.md5((secret + "module_3_2").encode()).hexdigest() + ".html")
    released.parent.mkdir(parents=True, exist_ok=True)
    released.write_text(f"<p>Retour publié pour {name}</p>")
    files += [inbound / "module_3_2.ipynb", inbound / "submission_secret.txt", released]

    certs = base / "certificates"
    certs.mkdir(exist_ok=True)
    cert = certs / f"{name}-course3.json"  # as certificates.issue writes them (Open Badges 3.0 subject)
    cert.write_text(json.dumps({"credentialSubject": {"type": ["AchievementSubject"], "identifier": [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}]}}))
    jwt = cert.with_suffix(".jwt")
    jwt.write_text("eyJhbGciOiJFZERTQSJ9.e30.sig-" + name)
    pdf = cert.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.4 certificate of " + name.encode())
    old = certs / f"{name}-course1.json"  # the first version's format
    old.write_text(json.dumps({"credentialSubject": {"name": name}}))
    files += [cert, jwt, pdf, old]
    return files


def seed_grading_tables(graders: Path, names: list[str]) -> None:
    """nbgrader's own gradebook (real API), a batch report and the two grade exports."""
    from nbgrader.api import Gradebook

    from sets_courseware.privacy import GradebookPlace
    GradebookPlace(graders)._gradebook().close()  # creates it (and finds nbgrader's alembic command)
    with Gradebook(f"sqlite:///{graders / 'gradebook.db'}", course_id="sets") as gb:
        gb.add_assignment(ASSIGNMENT)
        gb.add_notebook("module_3_2", ASSIGNMENT)
        gb.add_grade_cell("grade_3_2_m1", "module_3_2", ASSIGNMENT, max_score=1, cell_type="code")
        for name in names:
            gb.add_student(name, first_name=name.split("-")[0].title(), last_name=name.split("-")[1].title())
            gb.add_submission(ASSIGNMENT, name, timestamp=dt.datetime.now() - dt.timedelta(days=400))
    (graders / "reports").mkdir(parents=True, exist_ok=True)
    (graders / "reports" / f"{ASSIGNMENT}.json").write_text(json.dumps(
        [{"student": n, "assignment": ASSIGNMENT, "status": "graded", "nbgrader": 1.0, "direct": 1.0} for n in names]))
    (graders / "grades.csv").write_text("assignment,student_id,score\n" + "".join(f"{ASSIGNMENT},{n},1.0\n" for n in names))
    (graders / "grades-status.csv").write_text("assignment,student,status\n" + "".join(f"{ASSIGNMENT},{n},graded\n" for n in names))


@pytest.fixture
def deployment(mini, monkeypatch):
    base = mini / "deploy"
    base.mkdir()
    store_url = f"sqlite:///{base / 'store.sqlite'}"
    monkeypatch.setenv("SETS_DB_URL", store_url)
    monkeypatch.setenv("SETS_GRADERS_DIR", str(base / "graders"))
    monkeypatch.setenv("SETS_EXCHANGE", str(base / "exchange"))
    monkeypatch.setenv("SETS_CERTIFICATES_DIR", str(base / "certificates"))
    monkeypatch.setenv("JUPYTERHUB_USER", "someone-on-a-hub")  # homes are given with --home
    clear_caches()
    store = Store.default()
    files = {ANA: seed_learner(base, store, ANA, "secret-of-ana"), BO: seed_learner(base, store, BO, "secret-of-bo")}
    seed_grading_tables(base / "graders", [ANA, BO])
    (base / "exchange" / "sets" / "outbound" / ASSIGNMENT).mkdir(parents=True)
    (base / "exchange" / "sets" / "outbound" / ASSIGNMENT / "module_3_2.ipynb").write_text("{}")
    yield base, store, files
    store.engine.dispose()


def run_cli(capsys, *args) -> dict:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def all_bytes(base: Path, skip: tuple[str, ...] = ()) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in base.rglob("*") if p.is_file() and not p.name.endswith(skip)}


def test_export_holds_every_item_of_the_learner_and_nothing_of_another(deployment, capsys, tmp_path):
    base, store, files = deployment
    out = tmp_path / "ana.zip"
    index = run_cli(capsys, "learner", "export", "--learner", ANA, "--out", str(out), "--home",
                    str(base / "homes" / "{learner}"), "--json")
    assert set(index["places"]) == {"store", "answers", "gradebook", "grading", "reports", "exchange", "certificates"}
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"index.json", "summary.fr.txt", "summary.en.txt"} <= names
        in_zip = {item["source"]: zf.read(item["file"]) for item in json.loads(zf.read("index.json"))["items"]}
        # every file seeded for ana is in the ZIP, byte for byte
        for f in files[ANA]:
            assert in_zip.get(str(f)) == f.read_bytes(), f"missing from the export: {f}"
        store_json = json.loads(next(v for k, v in in_zip.items() if "learners" in k))
        assert len(store_json["responses"]) == len(banks().course_questions("3")) + 1
        assert store_json["learner_questions"][0]["text"] == f"Question de {ANA} pour la table ronde"
        assert {a["kind"] for a in store_json["attempts"]} == {"initial", "final"}
        assert any(a["results"] for a in store_json["attempts"])
        gradebook = json.loads(zf.read("grading/gradebook.json"))
        assert gradebook["student"]["id"] == ANA and gradebook["submissions"][0]["assignment"] == ASSIGNMENT
        for name in ("grading/reports/m3_2_fr.json", "grading/grades.csv", "grading/grades-status.csv"):
            assert ANA.encode() in zf.read(name)
        summary_fr = zf.read("summary.fr.txt").decode()
        assert "Données personnelles détenues sur : ana-lopez" in summary_fr and "Vos droits" in summary_fr
        assert "Your rights" in zf.read("summary.en.txt").decode()
        # nothing of another learner
        for name in names:
            assert BO.encode() not in zf.read(name), name
        assert not any("outbound" in n for n in names)


def test_erase_leaves_nothing_of_the_learner_and_everything_of_another(deployment, capsys):
    base, store, files = deployment
    before_bo = {p: p.read_bytes() for p in files[BO]}
    bo_state = store.attempt_state(BO, "3", "initial")
    home = str(base / "homes" / "{learner}")
    receipt = run_cli(capsys, "learner", "erase", "--learner", ANA, "--home", home, "--json")
    assert set(receipt["counts"]) == {"store", "answers", "gradebook", "grading", "reports", "exchange", "certificates"}
    removed = {r["source"] for r in receipt["removed"]}
    assert str(files[ANA][0]) in removed  # the answers file, by its path

    for f in files[ANA]:
        assert not f.exists(), f"left after erase: {f}"
    # Not a byte of the learner's name anywhere: files, the store (free pages, WAL), the gradebook.
    store.engine.dispose()
    for path, raw in all_bytes(base).items():
        assert ANA.encode() not in raw, f"{ANA} still in {path}"
    assert (base / "exchange" / "sets" / "outbound" / ASSIGNMENT / "module_3_2.ipynb").exists()
    # The other learner is untouched.
    assert {p: p.read_bytes() for p in files[BO]} == before_bo
    assert store.attempt_state(BO, "3", "initial") == bo_state
    assert [q["learner"] for q in store.questions("3")] == [BO]
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{base / 'graders' / 'gradebook.db'}", course_id="sets") as gb:
        assert [s.id for s in gb.students] == [BO]
    assert [r["student"] for r in json.loads((base / "graders" / "reports" / f"{ASSIGNMENT}.json").read_text())] == [BO]
    assert BO in (base / "graders" / "grades.csv").read_text()

    # Idempotent: a second erase removes nothing and says so.
    again = run_cli(capsys, "learner", "erase", "--learner", ANA, "--home", home, "--json")
    assert again["removed"] == [] and again["counts"] == {}
    assert main(["learner", "erase", "--learner", ANA, "--home", home]) == 0
    assert "nothing held" in capsys.readouterr().out


def test_purge_erases_learners_past_the_retention_period_only(deployment, capsys, monkeypatch):
    base, store, files = deployment
    from sqlalchemy import update

    from sets_courseware.store import Attempt, Learner, LearnerQuestion, Response
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
    with store.session() as s, s.begin():
        lid = s.scalar(Learner.__table__.select().with_only_columns(Learner.id).where(Learner.name == ANA))
        s.execute(update(Learner).where(Learner.id == lid).values(created_at=old))
        s.execute(update(Attempt).where(Attempt.learner_id == lid).values(started_at=old, submitted_at=old))
        att = list(s.scalars(Attempt.__table__.select().with_only_columns(Attempt.id).where(Attempt.learner_id == lid)))
        s.execute(update(Response).where(Response.attempt_id.in_(att)).values(saved_at=old))
        s.execute(update(LearnerQuestion).where(LearnerQuestion.learner_id == lid).values(asked_at=old))
    # bo's gradebook submission is as old, but bo was active in the store since: kept.
    home = str(base / "homes" / "{learner}")
    due = run_cli(capsys, "learner", "purge", "--dry-run", "--home", home, "--json")
    assert [r["learner"] for r in due] == [ANA]
    monkeypatch.setenv("SETS_RETENTION_DAYS", "500")
    clear_caches()
    assert run_cli(capsys, "learner", "purge", "--home", home, "--json") == []
    monkeypatch.setenv("SETS_RETENTION_DAYS", "365")
    clear_caches()
    done = run_cli(capsys, "learner", "purge", "--home", home, "--json")
    assert [r["learner"] for r in done] == [ANA] and done[0]["counts"]["store"] == 1
    assert not any(f.exists() for f in files[ANA]) and all(f.exists() for f in files[BO])


def test_locally_the_notebooks_folder_is_the_local_learners_only(mini, monkeypatch, tmp_path):
    from sets_courseware.privacy import Deployment, erase, find_all
    notebooks = tmp_path / "notebooks"
    AnswerFile("3.2", notebooks / "course3_ai" / "fr").save("3.2.m1", "b")
    monkeypatch.setenv("SETS_NOTEBOOKS_DIR", str(notebooks))
    monkeypatch.setenv("SETS_LEARNER", ANA)
    clear_caches()
    d = Deployment.from_settings(graders=tmp_path / "no-graders", exchange=tmp_path / "no-exchange",
                                 certificates=tmp_path / "no-certs")
    assert [i.place for i in find_all(BO, d)] == []  # another name: not their folder
    assert [i.place for i in find_all(ANA, d)] == ["answers"]
    assert erase(ANA, d).counts() == {"answers": 1}
    with pytest.raises(Exception, match="not a learner id"):
        find_all("../graders", d)


def test_privacy_notice_is_on_the_path_page_before_any_answer(mini, monkeypatch):
    from sets_courseware.app import PathApp
    for lang, words in (("fr", ["Vos données personnelles", "Base légale", "Conservation : 12 mois", "Vos droits",
                                "SETS_PRIVACY_CONTROLLER"]),
                        ("en", ["Your personal data", "Legal basis", "Retention: 12 months", "Your rights"])):
        app = PathApp(learner=ANA, lang=lang)
        header = app.view.children[0].value
        for word in words:
            assert word in header, (lang, word)
        assert header.index("sets-privacy") < header.index("</details>")
        assert app.view.children.index(app.body) > 0  # the evaluations come after the notice
    monkeypatch.setenv("SETS_PRIVACY_CONTROLLER", "Association Exemple, 1 rue de la Paix, Paris")
    monkeypatch.setenv("SETS_PRIVACY_CONTACT", "dpo@example.org")
    clear_caches()
    header = PathApp(learner=ANA, lang="fr").view.children[0].value
    assert "Association Exemple" in header and "dpo@example.org" in header and "SETS_PRIVACY" not in header


def test_record_of_processing_is_in_deploy_in_both_languages():
    text = (Path(__file__).resolve().parents[1] / "deploy" / "record-of-processing.md").read_text(encoding="utf-8")
    for word in ("Registre des activités de traitement", "Record of processing activities", "SETS_RETENTION_DAYS",
                 "sets learner export", "sets learner erase", "sets learner purge", "art. 30"):
        assert word in text, word


# -- backups of the store -------------------------------------------------------------------------
def _fill(store: Store, names) -> dict:
    service = AssessmentService(store)
    for name in names:
        for q in banks().course_questions("3"):
            service.save(name, "3", "initial", q.id, "b")
        service.submit(name, "3", "initial")
    return {n: store.attempt_state(n, "3", "initial") for n in names}


def _backup_restore(url: str, tmp_path: Path, monkeypatch, capsys, suffix: str) -> None:
    monkeypatch.setenv("SETS_DB_URL", url)
    clear_caches()
    store = Store(url)
    saved = _fill(store, [ANA, BO])
    backup = tmp_path / f"store{suffix}"
    assert main(["backup", "--out", str(backup)]) == 0
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    # After the backup: one learner erased, another added, a submission reset.
    _fill(store, ["carla-n"])
    store.reset(BO, "3", "initial")
    from sets_courseware.privacy import Deployment, erase
    erase(ANA, Deployment(store=store))
    store.engine.dispose()
    assert main(["restore", str(backup)]) == 0
    assert "restored" in capsys.readouterr().out
    again = Store(url)
    assert {n: again.attempt_state(n, "3", "initial") for n in (ANA, BO)} == saved
    assert again.attempt_state("carla-n", "3", "initial")["submitted_at"] is None
    again.engine.dispose()
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a backup")
    assert main(["restore", str(junk)]) == 2
    assert "not a" in capsys.readouterr().err


def test_backup_and_restore_sqlite(mini, tmp_path, monkeypatch, capsys):
    _backup_restore(f"sqlite:///{tmp_path / 'live.sqlite'}", tmp_path, monkeypatch, capsys, ".sqlite")


def test_backup_and_restore_postgresql(mini, tmp_path, monkeypatch, capsys):
    url = os.environ.get("SETS_TEST_PG_URL")
    if not url:
        pytest.skip("SETS_TEST_PG_URL not set (.ci/run starts a PostgreSQL server and sets it)")
    import uuid

    from sqlalchemy import create_engine, text
    name = f"sets_backup_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        _backup_restore(url.rsplit("/", 1)[0] + "/" + name, tmp_path, monkeypatch, capsys, ".pgdump")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()
