"""A learner's personal data, wherever it lives: export (right of access), erase (erasure), purge (retention).

Each place that holds learner data is one small class with `find` (what it holds on a
learner, as items for the export ZIP) and `erase` (remove it; a list of what went, empty
when nothing was left, so erasing twice is harmless):

  store          learner row, attempts, responses, results, questions for the final session
  answers        sets-answers-*.json files (and broken copies kept aside) in the learner's folder
  local-name     the name remembered in SETS_HOME/learner.txt (one-machine use)
  gradebook      nbgrader's gradebook.db: student, submissions, grades, comments
  grading        graders/submitted|intake|autograded|feedback/<learner>/, graders/logs/*/<learner>.log
  reports        the learner's rows in graders/reports/*.json, grades.csv, grades-status.csv
  exchange       nbgrader exchange: inbound/<learner>+…, feedback/<hash>.html of their submissions
  certificates   <learner>-course<id>.json / .pdf

`places()` lists them for a deployment; `export`, `erase` and `purge` run them all.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SetsError

COURSE_ID = "sets"  # nbgrader course id (graders/nbgrader_config.py)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def check_learner_name(learner: str) -> str:
    """A learner id is also a folder name in graders/ and the exchange: refuse what could escape it."""
    name = learner.strip()
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name or name.startswith("."):
        raise SetsError(f"'{learner}' is not a learner id", hint="give the learner's name as the store or hub knows it")
    return name


@dataclass
class Item:
    """One piece of a learner's data: where it lives and its content for the export."""

    place: str
    name: str  # path inside the ZIP
    source: str  # where it lives (a file, or the store and table)
    what: str
    data: bytes | None = None
    path: Path | None = None

    def content(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


@dataclass
class Receipt:
    learner: str
    action: str
    at: str = field(default_factory=lambda: _now().isoformat())
    removed: list[dict] = field(default_factory=list)

    def add(self, place: str, what: str, source: str) -> None:
        self.removed.append({"place": place, "what": what, "source": source})

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.removed:
            out[r["place"]] = out.get(r["place"], 0) + 1
        return out

    def to_json(self) -> dict:
        return {"learner": self.learner, "action": self.action, "at": self.at, "counts": self.counts(),
                "removed": self.removed}


def _regular_files(folder: Path):
    """Regular files under a folder, never following links (learner folders are data, not code)."""
    if folder.is_symlink() or not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)))
        for f in sorted(files):
            p = Path(root) / f
            if stat.S_ISREG(os.lstat(p).st_mode):
                yield p


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path)


# -- places ------------------------------------------------------------------------------
class StorePlace:
    """Every row that belongs to the learner: the learner row and, following foreign keys, each
    table that refers to it (attempts, responses, questions, attendance, certificates… as the
    schema grows: read from the live database, not from a list kept here)."""

    name = "store"

    def __init__(self, store):
        self.store = store

    def _source(self, tables) -> str:
        return f"{self.store.engine.url.render_as_string(hide_password=True)} · {', '.join(tables)}"

    def _rows(self, conn, learner: str) -> list[tuple[object, list[dict]]]:
        """(table, rows) for the learner, parents before children."""
        from sqlalchemy import MetaData, select
        md = MetaData()
        md.reflect(bind=conn)
        learners = md.tables["learners"]
        found: dict[str, list[dict]] = {"learners": [dict(r._mapping) for r in
                                                     conn.execute(select(learners).where(learners.c.name == learner))]}
        if not found["learners"]:
            return []
        out = [(learners, found["learners"])]
        for table in md.sorted_tables:
            if table.name in found:
                continue
            conds = []
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent in found and found[parent]:
                    conds.append(fk.parent.in_([r[fk.column.name] for r in found[parent]]))
            if conds:
                from sqlalchemy import or_
                rows = [dict(r._mapping) for r in conn.execute(select(table).where(or_(*conds)))]
                if rows:
                    found[table.name] = rows
                    out.append((table, rows))
        return out

    def find(self, learner: str) -> list[Item]:
        with self.store.engine.connect() as conn:
            rows = self._rows(conn, learner)
        if not rows:
            return []
        data = {table.name: rs for table, rs in rows}
        return [Item(self.name, "store/store.json", self._source(data),
                     "self-assessments, final evaluations (answers, results), questions for the final session and "
                     "every other record of the learner, table by table",
                     data=json.dumps(data, ensure_ascii=False, indent=1, default=str).encode())]

    def erase(self, learner: str, receipt: Receipt) -> None:
        from sqlalchemy import and_, delete
        with self.store.engine.begin() as conn:
            rows = self._rows(conn, learner)
            for table, rs in reversed(rows):  # children first: no reliance on ON DELETE CASCADE
                pk = list(table.primary_key.columns)
                for r in rs:
                    conn.execute(delete(table).where(and_(*[c == r[c.name] for c in pk])))
        if not rows:
            return
        receipt.add(self.name, ", ".join(f"{table.name}: {len(rs)} row(s)" for table, rs in rows),
                    self._source(t.name for t, _ in rows))
        if self.store.engine.dialect.name == "sqlite":
            # Deleted rows linger in free pages and in the write-ahead log until rewritten.
            with self.store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("VACUUM")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def last_activity(self) -> dict[str, dt.datetime]:
        from sqlalchemy import func, select

        from .store import Attempt, Learner, LearnerQuestion, Response
        out: dict[str, dt.datetime] = {}

        def keep(name, when):
            if when is None:
                return
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            if name not in out or when > out[name]:
                out[name] = when
        with self.store.session() as s:
            for name, when in s.execute(select(Learner.name, Learner.created_at)):
                keep(name, when)
            for q in (select(Learner.name, func.max(Attempt.started_at)).join(Attempt).group_by(Learner.name),
                      select(Learner.name, func.max(Attempt.submitted_at)).join(Attempt).group_by(Learner.name),
                      select(Learner.name, func.max(Response.saved_at)).join(Attempt, Attempt.learner_id == Learner.id)
                      .join(Response).group_by(Learner.name),
                      select(Learner.name, func.max(LearnerQuestion.asked_at)).join(LearnerQuestion)
                      .group_by(Learner.name)):
                for name, when in s.execute(q):
                    keep(name, when)
        return out


class AnswersPlace:
    """Answers files beside the notebooks in the learner's own folder (their home on a hub)."""

    name = "answers"

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def _files(self) -> list[tuple[int, Path, Path]]:
        found = []
        for i, folder in enumerate(self.folders):
            for p in _regular_files(folder):
                if p.name.startswith("sets-answers-") and (p.name.endswith(".json") or ".json.broken-" in p.name):
                    found.append((i, folder, p))
        return found

    def find(self, learner: str) -> list[Item]:
        return [Item(self.name, f"answers/{i}/{p.relative_to(folder)}", str(p),
                     "answers of a module quiz, saved beside its notebook", path=p)
                for i, folder, p in self._files()]

    def erase(self, learner: str, receipt: Receipt) -> None:
        for _, _, p in self._files():
            p.unlink(missing_ok=True)
            receipt.add(self.name, "answers file of a module quiz", str(p))


class LocalNamePlace:
    name = "local-name"

    def __init__(self, home: Path):
        self.path = home / "learner.txt"

    def _held(self, learner: str) -> bool:
        try:
            return self.path.read_text(encoding="utf-8").strip() == learner
        except OSError:
            return False

    def find(self, learner: str) -> list[Item]:
        return [Item(self.name, "local/learner.txt", str(self.path), "the name the path page remembers",
                     path=self.path)] if self._held(learner) else []

    def erase(self, learner: str, receipt: Receipt) -> None:
        if self._held(learner):
            self.path.unlink()
            receipt.add(self.name, "the name the path page remembers", str(self.path))


class GradebookPlace:
    name = "gradebook"

    def __init__(self, graders: Path):
        self.db = graders / "gradebook.db"

    def _gradebook(self):
        import sys
        from nbgrader.api import Gradebook
        # nbgrader runs the `alembic` command to check the gradebook's schema: it must be found
        # beside this Python even when the virtual environment is not activated.
        bindir = str(Path(sys.executable).parent)
        if bindir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
        return Gradebook(f"sqlite:///{self.db}", course_id=COURSE_ID)

    def data(self, learner: str) -> dict | None:
        if not self.db.is_file():
            return None
        from nbgrader.api import MissingEntry
        with self._gradebook() as gb:
            try:
                st = gb.find_student(learner)
            except MissingEntry:
                return None
            subs = []
            for sub in st.submissions:
                subs.append({"assignment": sub.assignment.name,
                             "timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
                             "score": sub.score, "max_score": sub.max_score,
                             "notebooks": [{"notebook": nb.name,
                                            "grades": [{"cell": g.name, "auto_score": g.auto_score,
                                                        "manual_score": g.manual_score, "max_score": g.max_score}
                                                       for g in nb.grades],
                                            "comments": [{"cell": c.name, "auto": c.auto_comment, "manual": c.manual_comment}
                                                         for c in nb.comments if c.auto_comment or c.manual_comment]}
                                           for nb in sub.notebooks]})
            return {"student": {"id": st.id, "first_name": st.first_name, "last_name": st.last_name,
                                "email": st.email, "lms_user_id": st.lms_user_id}, "submissions": subs}

    def find(self, learner: str) -> list[Item]:
        data = self.data(learner)
        if data is None:
            return []
        return [Item(self.name, "grading/gradebook.json", f"{self.db} · student {learner}",
                     "nbgrader gradebook: submissions, scores per question, comments",
                     data=json.dumps(data, ensure_ascii=False, indent=1).encode())]

    def erase(self, learner: str, receipt: Receipt) -> None:
        data = self.data(learner)
        if data is None:
            return
        with self._gradebook() as gb:
            gb.remove_student(learner)
        import sqlite3
        con = sqlite3.connect(self.db)  # deleted rows linger in free pages until rewritten
        try:
            con.execute("VACUUM")
        finally:
            con.close()
        receipt.add(self.name, f"student and {len(data['submissions'])} submission(s) with grades and comments",
                    str(self.db))

    def last_activity(self) -> dict[str, dt.datetime]:
        if not self.db.is_file():
            return {}
        out = {}
        with self._gradebook() as gb:
            for st in gb.students:
                times = [s.timestamp for s in st.submissions if s.timestamp]
                if times:
                    when = max(times)
                    out[st.id] = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
        return out


class GradingFoldersPlace:
    name = "grading"
    FOLDERS = ("submitted", "intake", "autograded", "feedback")

    def __init__(self, graders: Path):
        self.graders = graders

    def _paths(self, learner: str) -> list[Path]:
        paths = [self.graders / f / learner for f in self.FOLDERS]
        paths += sorted((self.graders / "logs").glob(f"*/{learner}.log"))
        return [p for p in paths if p.exists() or p.is_symlink()]

    def find(self, learner: str) -> list[Item]:
        items = []
        for p in self._paths(learner):
            files = [p] if p.is_file() else list(_regular_files(p))
            for f in files:
                rel = f.relative_to(self.graders)
                items.append(Item(self.name, f"grading/{rel}", str(f),
                                  f"grading: {rel.parts[0]} ({'log of the autograde run' if rel.parts[0] == 'logs' else 'notebook, answers and files of a submission'})",
                                  path=f))
        return items

    def erase(self, learner: str, receipt: Receipt) -> None:
        for p in self._paths(learner):
            n = 1 if not p.is_dir() or p.is_symlink() else sum(1 for _ in _regular_files(p))
            _remove(p)
            receipt.add(self.name, f"{p.relative_to(self.graders).parts[0]}: {n} file(s)", str(p))


class ReportsPlace:
    """The learner's rows in the batch reports and the CSV exports of the grading side."""

    name = "reports"
    CSVS = (("grades.csv", "student_id"), ("grades-status.csv", "student"))

    def __init__(self, graders: Path):
        self.graders = graders

    def _reports(self, learner: str):
        for report in sorted((self.graders / "reports").glob("*.json")):
            try:
                rows = json.loads(report.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(rows, list):
                yield report, rows, [r for r in rows if isinstance(r, dict) and r.get("student") == learner]

    def _csvs(self, learner: str):
        for fname, column in self.CSVS:
            path = self.graders / fname
            if not path.is_file():
                continue
            with open(path, newline="", encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                rows = list(reader)
                fields = reader.fieldnames or []
            if column in fields:
                yield path, fields, rows, [r for r in rows if r.get(column) == learner], column

    def find(self, learner: str) -> list[Item]:
        items = []
        for report, _, mine in self._reports(learner):
            if mine:
                items.append(Item(self.name, f"grading/reports/{report.name}", str(report),
                                  "autograde report: status, scores and reasons",
                                  data=json.dumps(mine, ensure_ascii=False, indent=1).encode()))
        for path, fields, _, mine, _ in self._csvs(learner):
            if mine:
                buf = io.StringIO()
                writer = csv.DictWriter(buf, fieldnames=fields)
                writer.writeheader()
                writer.writerows(mine)
                items.append(Item(self.name, f"grading/{path.name}", str(path), "grades exported by the graders",
                                  data=buf.getvalue().encode()))
        return items

    def erase(self, learner: str, receipt: Receipt) -> None:
        from .answers import atomic_write_json
        for report, rows, mine in list(self._reports(learner)):
            if mine:
                atomic_write_json(report, [r for r in rows if r not in mine])
                receipt.add(self.name, f"{len(mine)} row(s) of an autograde report", str(report))
        for path, fields, rows, mine, column in list(self._csvs(learner)):
            if mine:
                tmp = path.with_name(f".{path.name}.tmp")
                with open(tmp, "w", newline="", encoding="utf-8") as fh:
                    writer = csv.DictWriter(fh, fieldnames=fields)
                    writer.writeheader()
                    writer.writerows(r for r in rows if r.get(column) != learner)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
                receipt.add(self.name, f"{len(mine)} row(s) of exported grades", str(path))


class ExchangePlace:
    """nbgrader's exchange on a hub: the learner's inbound submissions and released feedback."""

    name = "exchange"

    def __init__(self, exchange: Path | None, graders: Path | None):
        self.root = exchange / COURSE_ID if exchange else None
        self.graders = graders

    def _inbound(self, learner: str) -> list[Path]:
        if self.root is None:
            return []
        return sorted(p for p in (self.root / "inbound").glob(f"{learner}+*") if p.name.split("+", 1)[0] == learner)

    def _feedback(self, learner: str) -> list[Path]:
        """Feedback files are named by a hash of the submission's secret and notebook name."""
        if self.root is None:
            return []
        pairs = set()
        folders = self._inbound(learner)
        if self.graders is not None:
            folders += list((self.graders / "feedback" / learner).glob("*")) + \
                list((self.graders / "submitted" / learner).glob("*"))
        for folder in folders:
            try:
                secret = (folder / "submission_secret.txt").read_text(encoding="utf-8")
            except OSError:
                continue
            for nb in list(folder.glob("*.ipynb")) + list(folder.glob("*.html")):
                pairs.add((secret, nb.stem))
        found = []
        for secret, notebook_id in sorted(pairs):
            digest = hashlib.md5(secret.encode() + notebook_id.encode()).hexdigest()
            p = self.root / "feedback" / f"{digest}.html"
            if p.is_file():
                found.append(p)
        return found

    def find(self, learner: str) -> list[Item]:
        items = []
        for folder in self._inbound(learner):
            for f in _regular_files(folder):
                items.append(Item(self.name, f"exchange/inbound/{folder.name}/{f.relative_to(folder)}", str(f),
                                  "a submission handed in through nbgrader's exchange", path=f))
        for f in self._feedback(learner):
            items.append(Item(self.name, f"exchange/feedback/{f.name}", str(f), "feedback released to the learner",
                              path=f))
        return items

    def erase(self, learner: str, receipt: Receipt) -> None:
        for f in self._feedback(learner):  # first: the secrets that name them live in the folders below
            f.unlink()
            receipt.add(self.name, "released feedback", str(f))
        for folder in self._inbound(learner):
            _remove(folder)
            receipt.add(self.name, "submission in the exchange's inbound", str(folder))


class CertificatesPlace:
    """Issued certificates: <stem>.json (the readable credential) with its .jwt and .pdf."""

    name = "certificates"

    def __init__(self, folder: Path | None):
        self.folder = folder

    @staticmethod
    def _owner(credential: dict) -> str | None:
        subject = credential.get("credentialSubject") or {}
        if subject.get("name"):  # certificates of the first version
            return subject["name"]
        for ident in subject.get("identifier") or []:  # Open Badges 3.0 IdentityObject, unhashed name
            if ident.get("identityType") == "name" and not ident.get("hashed"):
                return ident.get("identityHash")
        return None

    def _files(self, learner: str) -> list[Path]:
        if self.folder is None or not self.folder.is_dir():
            return []
        out = []
        for js in sorted(self.folder.glob("*-course*.json")):
            try:  # file stems are sanitised names that two learners can share: the credential says whose it is
                if self._owner(json.loads(js.read_text(encoding="utf-8"))) != learner:
                    continue
            except (OSError, ValueError, AttributeError, TypeError):
                continue
            out += [p for p in (js, js.with_suffix(".jwt"), js.with_suffix(".pdf")) if p.is_file()]
        return out

    def find(self, learner: str) -> list[Item]:
        what = {".json": "certificate of completion (credential)", ".jwt": "certificate (signed credential, VC-JWT)",
                ".pdf": "certificate (PDF)"}
        return [Item(self.name, f"certificates/{p.name}", str(p), what[p.suffix], path=p) for p in self._files(learner)]

    def erase(self, learner: str, receipt: Receipt) -> None:
        for p in self._files(learner):
            p.unlink()
            receipt.add(self.name, "certificate", str(p))


# -- a deployment's places ------------------------------------------------------------------
@dataclass
class Deployment:
    """Where a deployment keeps learner data (from the settings, overridable per command)."""

    store: object
    graders: Path | None = None
    exchange: Path | None = None
    certificates: Path | None = None
    home: str | None = None  # a learner's folder; "{learner}" is replaced (e.g. /home/{learner})
    sets_home: Path | None = None
    local_learner: str = ""
    local_notebooks: Path | None = None

    @classmethod
    def from_settings(cls, **overrides) -> "Deployment":
        from .settings import get_settings
        from .store import Store
        s = get_settings()
        values = dict(store=None, graders=s.graders_dir, exchange=s.exchange_dir, certificates=s.certificates_dir,
                      home=None, sets_home=s.home, local_notebooks=s.notebooks_dir)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["store"] is None:
            values["store"] = Store.default()
        values["local_learner"] = _local_learner(s)
        return cls(**values)

    def folders(self, learner: str) -> list[Path]:
        if self.home:
            return [Path(self.home.replace("{learner}", learner))]
        # One-machine use: notebooks/ is the local learner's own folder, nobody else's.
        if self.local_notebooks is not None and learner == self.local_learner:
            return [self.local_notebooks]
        return []

    def places(self, learner: str) -> list:
        out = [StorePlace(self.store), AnswersPlace(self.folders(learner))]
        if self.sets_home is not None:
            out.append(LocalNamePlace(self.sets_home))
        if self.graders is not None:
            out += [GradebookPlace(self.graders), GradingFoldersPlace(self.graders), ReportsPlace(self.graders)]
        out += [ExchangePlace(self.exchange, self.graders), CertificatesPlace(self.certificates)]
        return out


def _local_learner(settings) -> str:
    """The one learner of a single-machine install (as the path page remembers it); none on a hub."""
    if os.environ.get("JUPYTERHUB_USER") or settings.service_url:
        return ""
    if settings.learner:
        return settings.learner
    try:
        return (settings.home / "learner.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


# -- the three actions ------------------------------------------------------------------------
def find_all(learner: str, deployment: Deployment) -> list[Item]:
    learner = check_learner_name(learner)
    items = []
    for place in deployment.places(learner):
        items += place.find(learner)
    return items


def export(learner: str, out: Path, deployment: Deployment, lang: str = "fr") -> dict:
    """Everything held on one learner as one ZIP: index.json, summaries (FR, EN), the data itself."""
    from .private import private_file
    learner = check_learner_name(learner)
    items = find_all(learner, deployment)
    index = {"learner": learner, "generated_at": _now().isoformat(), "controller": controller(),
             "retention_days": _retention_days(), "places": {}, "items": []}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    private_file(tmp)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        names = set()
        for item in items:
            name = item.name
            while name in names:
                name = f"{name}.dup"
            names.add(name)
            content = item.content()
            zf.writestr(name, content)
            index["places"][item.place] = index["places"].get(item.place, 0) + 1
            index["items"].append({"place": item.place, "file": name, "source": item.source, "what": item.what,
                                   "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()})
        zf.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=1))
        for code in ("fr", "en"):
            zf.writestr(f"summary.{code}.txt", summary(index, code))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    return index


def erase(learner: str, deployment: Deployment) -> Receipt:
    """Remove the learner's data from every place; a second run finds nothing and removes nothing."""
    learner = check_learner_name(learner)
    receipt = Receipt(learner, "erase")
    for place in deployment.places(learner):
        place.erase(learner, receipt)
    return receipt


def due_for_purge(deployment: Deployment, days: int | None = None, now: dt.datetime | None = None) -> dict[str, str]:
    """Learners whose last activity is older than the retention period: {name: last activity}."""
    days = _retention_days() if days is None else days
    now = now or _now()
    last: dict[str, dt.datetime] = {}
    sources = [StorePlace(deployment.store)]
    if deployment.graders is not None:
        sources.append(GradebookPlace(deployment.graders))
    for source in sources:
        for name, when in source.last_activity().items():
            if name not in last or when > last[name]:
                last[name] = when
    limit = now - dt.timedelta(days=days)
    return {name: when.isoformat() for name, when in sorted(last.items()) if when < limit}


def purge(deployment: Deployment, days: int | None = None, now: dt.datetime | None = None,
          dry_run: bool = False) -> list[Receipt]:
    receipts = []
    for name in due_for_purge(deployment, days, now):
        if dry_run:
            receipts.append(Receipt(name, "due for purge"))
        else:
            r = erase(name, deployment)
            r.action = "purge"
            receipts.append(r)
    return receipts


# -- words for people --------------------------------------------------------------------------
def _retention_days() -> int:
    from .settings import get_settings
    return get_settings().retention_days


def controller() -> dict:
    from .settings import get_settings
    s = get_settings()
    return {"name": s.privacy_controller or None, "contact": s.privacy_contact or None}


def summary(index: dict, lang: str) -> str:
    from .i18n import t
    lines = [t("privacy.export.title", lang, learner=index["learner"]),
             t("privacy.export.generated", lang, when=index["generated_at"]), ""]
    if not index["items"]:
        lines.append(t("privacy.export.nothing", lang))
    for place, n in index["places"].items():
        lines.append(t("privacy.place.count", lang, place=t(f"privacy.place.{place}", lang), n=n))
    lines.append("")
    for item in index["items"]:
        lines.append(f"  {item['file']}  ←  {item['source']}  ({item['what']})")
    lines += ["", notice_text(lang)]
    return "\n".join(lines) + "\n"


def notice_text(lang: str) -> str:
    from .i18n import t
    c = controller()
    return t("privacy.notice", lang, controller=c["name"] or t("privacy.controller_placeholder", lang),
             contact=c["contact"] or t("privacy.contact_placeholder", lang), months=round(_retention_days() / 30.4))


def notice_html(lang: str) -> str:
    """The privacy notice of the path page: shown above the evaluations, before any answer."""
    import html
    from .i18n import t
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in notice_text(lang).split("\n") if p.strip())
    return (f'<details class="sets-privacy" open><summary><b>{html.escape(t("privacy.title", lang))}</b></summary>'
            f'<div style="font-size: 0.9em">{paragraphs}</div></details>')
