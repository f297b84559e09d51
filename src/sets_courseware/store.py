"""The store: learners, attempts (initial / final), responses and module results (SQLAlchemy 2).

SQLite by default (a file under SETS_HOME); PostgreSQL or any other database through the
same SQLAlchemy URL in SETS_DB_URL. Scoring needs the keys, so `submit` takes a scorer
callable and stores only results, never keys.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Callable, Literal

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine,
                        bindparam, event, select, update)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from .errors import AttemptError, UnknownIdError

Kind = Literal["initial", "final"]
KINDS = ("initial", "final")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    cohort: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    attempts: Mapped[list["Attempt"]] = relationship(back_populates="learner", cascade="all, delete-orphan")


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("learner_id", "course_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: per-module results computed at submission: [{"module", "correct", "total", "missed_subtopics"}]
    results: Mapped[list | None] = mapped_column(JSON, default=None)
    learner: Mapped[Learner] = relationship(back_populates="attempts")
    responses: Mapped[list["Response"]] = relationship(back_populates="attempt", cascade="all, delete-orphan")


class Response(Base):
    __tablename__ = "responses"
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    choice: Mapped[str] = mapped_column(String(1))
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)
    attempt: Mapped[Attempt] = relationship(back_populates="responses")


class LearnerQuestion(Base):
    """A question a learner leaves for the final live session's round table."""

    __tablename__ = "learner_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(10))
    module_id: Mapped[str | None] = mapped_column(String(10), default=None)
    text: Mapped[str] = mapped_column(String(2000))
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Attendance(Base):
    """Presence at one live session of a course, recorded by a trainer (a certification rule)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("learner_id", "course_id", "session_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(10))
    session_id: Mapped[str] = mapped_column(String(20))
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)


class Certificate(Base):
    """A credential the issuer signed: its short code, its index in the published status list."""

    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(10))
    credential_id: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    jwt: Mapped[str] = mapped_column(Text)


def _dialect_insert(dialect: str):
    """INSERT … ON CONFLICT of SQLite and PostgreSQL; None for another database."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        return None
    return insert


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(engine) -> None:
    """Bring the database schema to the latest revision (alembic upgrade head)."""
    from alembic import command
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Store:
    """All reads and writes of assessment data go through here."""

    _default: "Store | None" = None

    def __init__(self, url: str):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            # Owner-only: the folder if we create it, the database file; SQLite gives its -wal and
            # -shm files the database file's mode.
            from .private import private_dir, private_file
            db = Path(url.removeprefix("sqlite:///"))
            private_dir(db.parent, own=False)
            private_file(db)
            for extra in ("-wal", "-shm", "-journal"):
                if Path(f"{db}{extra}").exists():
                    private_file(Path(f"{db}{extra}"))
        self.url = url
        # pre-ping: after a database server restart, pooled connections are dead; check each on
        # checkout rather than fail one request per stale connection. A SQLite file has no server.
        self.engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
        if self.engine.dialect.name == "sqlite":
            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):  # WAL: readers do not block the writer
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=5000")
                cur.close()
        migrate(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._upsert = None
        self._async_pool = None  # (loop, psycopg_pool.AsyncConnectionPool, SQL): save_choice_async

    @classmethod
    def default(cls) -> "Store":
        from .settings import get_settings
        settings = get_settings()
        url = settings.db_url
        if cls._default is None or cls._default.url != url:
            if url == f"sqlite:///{settings.home / 'sets.sqlite'}":
                from .private import private_dir
                private_dir(settings.home)  # SETS_HOME is ours: 0700 even if an older version made it 0755
            cls._default = cls(url)
        return cls._default

    def session(self) -> Session:
        return self._session()

    # learners --------------------------------------------------------------
    def learner(self, name: str, cohort: str | None = None) -> int:
        name = name.strip()
        if not name:
            raise AttemptError("a learner needs a name")
        with self._session.begin() as s:
            row = s.scalar(select(Learner).where(Learner.name == name))
            if row is None:
                row = Learner(name=name, cohort=cohort)
                s.add(row)
                s.flush()
            elif cohort and row.cohort != cohort:
                row.cohort = cohort
            return row.id

    def _attempt(self, s: Session, learner: str, course_id: str, kind: str, create: bool,
                 lock: bool = False) -> Attempt | None:
        if kind not in KINDS:
            raise AttemptError(f"unknown attempt kind '{kind}'", hint="initial or final")
        lid = s.scalar(select(Learner.id).where(Learner.name == learner))
        if lid is None:
            if not create:
                return None
            lid = Learner(name=learner)
            s.add(lid)
            s.flush()
            lid = lid.id
        query = select(Attempt).where(Attempt.learner_id == lid, Attempt.course_id == course_id, Attempt.kind == kind)
        # lock: the row is held until commit (PostgreSQL; SQLite has one writer at a time anyway)
        att = s.scalar(query.with_for_update() if lock else query)
        if att is None and create:
            att = Attempt(learner_id=lid, course_id=course_id, kind=kind)
            s.add(att)
            s.flush()
        return att

    # responses -------------------------------------------------------------
    def save_response(self, learner: str, course_id: str, kind: str, question_id: str, choice: str | None,
                      fast: bool = True) -> None:
        """Save one choice of a draft attempt at once (upsert); refuses after submission.

        The common case (a choice in a draft attempt that exists) is one statement and one commit:
        an upsert whose SELECT finds the draft by learner, course and kind and share-locks it, so
        a submission running at the same moment either sees this answer or makes it fail (on
        PostgreSQL; SQLite takes one writer at a time). Anything else (first answer, a cleared
        choice, a submitted attempt) takes the general path below (directly with fast=False, for a
        caller that has just tried the fast one)."""
        if fast and choice is not None and kind in KINDS and self.save_choices([(learner, course_id, kind, question_id, choice)])[0]:
            return
        with self._session.begin() as s:
            att = self._attempt(s, learner, course_id, kind, create=True)
            if att.submitted_at is not None:
                raise AttemptError(f"the {kind} evaluation of course {course_id} was already submitted",
                                   item=learner, hint="a trainer can reset it with `sets reset`")
            row = s.get(Response, (att.id, question_id))
            if choice is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(Response(attempt_id=att.id, question_id=question_id, choice=choice))
            else:
                row.choice = choice

    def _upsert_statement(self):
        """INSERT … SELECT the learner's draft … ON CONFLICT DO UPDATE … RETURNING, built once
        (None on a database other than SQLite and PostgreSQL: every save takes the general path)."""
        insert = _dialect_insert(self.engine.dialect.name)
        if insert is None:
            return None
        if self._upsert is None:
            draft = (select(Attempt.id, bindparam("question_id", type_=String()), bindparam("choice", type_=String()),
                            bindparam("saved_at", type_=DateTime(timezone=True)))
                     .join(Learner, Learner.id == Attempt.learner_id)
                     .where(Learner.name == bindparam("learner"), Attempt.course_id == bindparam("course_id"),
                            Attempt.kind == bindparam("kind"), Attempt.submitted_at.is_(None))
                     .with_for_update(read=True, of=Attempt))
            stmt = insert(Response).from_select(["attempt_id", "question_id", "choice", "saved_at"], draft)
            stmt = stmt.on_conflict_do_update(index_elements=["attempt_id", "question_id"],
                                              set_={"choice": stmt.excluded.choice, "saved_at": stmt.excluded.saved_at})
            # RETURNING rather than rowcount: SQLAlchemy reports -1 for INSERT … SELECT on psycopg.
            # Built once: building the statement costs more than SQLite's commit.
            self._upsert = stmt.returning(Response.attempt_id)
        return self._upsert

    def save_choices(self, items: list[tuple[str, str, str, str, str]]) -> list[bool]:
        """Save (learner, course, kind, question, choice) items into their drafts, in order, in one
        transaction: one commit, one fsync for all (the service's group commit). Per item, True
        when saved; False when there is no draft to save into (not started, or submitted): those
        go through `save_response`. Nothing is saved when this raises."""
        now = _now()
        params = [{"learner": learner, "course_id": course_id, "kind": kind, "question_id": qid, "choice": choice,
                   "saved_at": now} for learner, course_id, kind, qid, choice in items]
        stmt = self._upsert_statement()
        if stmt is None:
            return [False] * len(params)
        with self.engine.begin() as conn:
            return [conn.execute(stmt, p).first() is not None for p in params]

    async def save_choice_async(self, learner: str, course_id: str, kind: str, question_id: str, choice: str) -> bool:
        """PostgreSQL, from an event loop: `save_choices` for one item, as one statement on one of
        psycopg's asynchronous connections (autocommit, pooled): no thread to hand it to and
        back, one round trip. Same SQL, same locks. True when saved into the learner's draft;
        False when there is none (the caller takes the general path, `save_response`).

        The server restarted: a stale connection fails, the pool discards it, the statement is
        sent again (nothing of it was committed). The server is down: a
        connection is awaited for 1 s at most, then psycopg_pool.PoolTimeout (the service
        answers 503: send again)."""
        import psycopg
        from psycopg_pool import PoolTimeout
        if self._async_pool is None or self._async_pool[0] is not asyncio.get_running_loop():
            from psycopg_pool import AsyncConnectionPool
            conninfo = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            pool = AsyncConnectionPool(conninfo, min_size=1, max_size=8, open=False, timeout=1.0,
                                       kwargs={"autocommit": True}, name="sets-store-saves")
            await pool.open()
            self._async_pool = (asyncio.get_running_loop(), pool,
                                str(self._upsert_statement().compile(dialect=self.engine.dialect)))
        _, pool, sql = self._async_pool
        params = {"learner": learner, "course_id": course_id, "kind": kind, "question_id": question_id,
                  "choice": choice, "saved_at": _now()}
        # A connection the server dropped fails at once and the pool discards it: try again, at
        # most once per connection the pool can hold. A server that is down makes the pool wait
        # for a new connection instead, and that ends with PoolTimeout, not here.
        for attempt in range(pool.max_size + 1):
            try:
                async with pool.connection() as conn:
                    cur = await conn.execute(sql, params)
                    return await cur.fetchone() is not None
            except PoolTimeout:  # (an OperationalError too) the server is down: say so now
                raise
            except psycopg.OperationalError:
                if attempt == pool.max_size:
                    raise
        raise AssertionError("unreachable")

    async def close_async(self) -> None:
        if self._async_pool is not None:
            await self._async_pool[1].close()
            self._async_pool = None

    def responses(self, learner: str, course_id: str, kind: str) -> dict[str, str]:
        with self._session() as s:
            att = self._attempt(s, learner, course_id, kind, create=False)
            return {r.question_id: r.choice for r in att.responses} if att else {}

    def attempt_state(self, learner: str, course_id: str, kind: str) -> dict:
        """{'responses', 'submitted_at', 'results'} of one attempt (empty when not started)."""
        with self._session() as s:
            att = self._attempt(s, learner, course_id, kind, create=False)
            if att is None:
                return {"responses": {}, "submitted_at": None, "results": None}
            return {"responses": {r.question_id: r.choice for r in att.responses},
                    "submitted_at": att.submitted_at, "results": att.results}

    def submit(self, learner: str, course_id: str, kind: str,
               scorer: Callable[[dict[str, str]], list[dict]]) -> list[dict]:
        """Score and freeze the attempt. Once per learner, course and kind."""
        if kind == "final" and self.attempt_state(learner, course_id, "initial")["submitted_at"] is None:
            raise AttemptError("the final evaluation opens after the initial self-assessment", item=learner)
        with self._session.begin() as s:
            # Locked before the answers are read: a save still in flight commits first (and is
            # scored), a later one finds the attempt submitted and is refused.
            att = self._attempt(s, learner, course_id, kind, create=True, lock=True)
            if self.engine.dialect.name == "sqlite":
                # pysqlite opens the transaction at the first write, and SQLite ignores FOR UPDATE:
                # a write first takes SQLite's write lock, so the answers read next are the latest
                # and stay so until the commit.
                s.execute(update(Attempt).where(Attempt.id == att.id).values(kind=Attempt.kind))
                s.refresh(att)
            if att.submitted_at is not None:
                raise AttemptError(f"the {kind} evaluation of course {course_id} was already submitted",
                                   item=learner, hint="a trainer can reset it with `sets reset`")
            responses = {r.question_id: r.choice for r in att.responses}
            results = scorer(responses)
            att.results = json.loads(json.dumps(results))
            att.submitted_at = _now()
            return att.results

    def reset(self, learner: str, course_id: str, kind: str) -> bool:
        """Trainer action: delete one attempt so the learner can take it again."""
        with self._session.begin() as s:
            att = self._attempt(s, learner, course_id, kind, create=False)
            if att is None:
                raise UnknownIdError(f"no {kind} attempt of course {course_id} for learner '{learner}'")
            s.delete(att)
            return True

    def submitted(self, course_id: str, kind: str = "initial", cohort: str | None = None) -> list[tuple[str, dict, list]]:
        """(learner, responses, results) of every submitted attempt of a course."""
        with self._session() as s:
            q = select(Attempt, Learner.name).join(Learner).where(
                Attempt.course_id == course_id, Attempt.kind == kind, Attempt.submitted_at.is_not(None))
            if cohort:
                q = q.where(Learner.cohort == cohort)
            return [(name, {r.question_id: r.choice for r in att.responses}, att.results)
                    for att, name in s.execute(q).all()]

    def add_question(self, learner: str, course_id: str, text: str, module_id: str | None = None) -> int:
        text = text.strip()
        if not text:
            raise AttemptError("an empty question cannot be sent")
        if len(text) > 2000:
            raise AttemptError("a question is limited to 2,000 characters", item=learner)
        lid = self.learner(learner)
        with self._session.begin() as s:
            row = LearnerQuestion(learner_id=lid, course_id=course_id, module_id=module_id, text=text)
            s.add(row)
            s.flush()
            return row.id

    def questions(self, course_id: str, cohort: str | None = None) -> list[dict]:
        """Questions left for the final session, oldest first (with the asker's name for the trainer)."""
        with self._session() as s:
            q = select(LearnerQuestion, Learner.name).join(Learner).where(LearnerQuestion.course_id == course_id)
            if cohort:
                q = q.where(Learner.cohort == cohort)
            rows = s.execute(q.order_by(LearnerQuestion.asked_at, LearnerQuestion.id)).all()
            return [{"learner": name, "module": row.module_id, "text": row.text, "asked_at": row.asked_at}
                    for row, name in rows]

    def subtopic_scores(self, course_id: str, kind: str = "initial", cohort: str | None = None) -> dict[str, float]:
        """Cohort's percent correct per sub-topic (needs the keys: trainer side only)."""
        from .content import banks, load_keys
        from .path import subtopic_percent
        attempts = [resp for _, resp, _ in self.submitted(course_id, kind, cohort)]
        if not attempts:
            return {}
        return subtopic_percent(banks().course_questions(course_id), attempts, load_keys())

    # attendance and certificates ---------------------------------------------
    def record_attendance(self, learner: str, course_id: str, session_id: str, present: bool, by: str) -> None:
        """Trainer action: present or absent at one of the course's live sessions (last record wins)."""
        from .content import catalog
        sessions = [s.id for s in catalog().course(course_id).live_sessions]
        if session_id not in sessions:
            raise UnknownIdError(f"session '{session_id}' is not a live session of course {course_id}",
                                 hint="one of " + ", ".join(sessions))
        lid = self.learner(learner)
        with self._session.begin() as s:
            row = s.scalar(select(Attendance).where(Attendance.learner_id == lid, Attendance.course_id == course_id,
                                                    Attendance.session_id == session_id))
            if row is None:
                s.add(Attendance(learner_id=lid, course_id=course_id, session_id=session_id, present=bool(present),
                                 recorded_by=by))
            else:
                row.present, row.recorded_by = bool(present), by

    def attendance(self, course_id: str, learner: str | None = None, cohort: str | None = None) -> list[dict]:
        """Attendance records of a course: {learner, session, present, by, at}, by learner then session."""
        with self._session() as s:
            q = select(Attendance, Learner.name).join(Learner).where(Attendance.course_id == course_id)
            if learner is not None:
                q = q.where(Learner.name == learner)
            if cohort:
                q = q.where(Learner.cohort == cohort)
            rows = s.execute(q.order_by(Learner.name, Attendance.session_id)).all()
            return [{"learner": name, "session": a.session_id, "present": a.present, "by": a.recorded_by,
                     "at": a.recorded_at} for a, name in rows]

    def learners(self, cohort: str | None = None) -> list[str]:
        with self._session() as s:
            q = select(Learner.name)
            if cohort:
                q = q.where(Learner.cohort == cohort)
            return list(s.scalars(q.order_by(Learner.name)))

    def has_learner(self, name: str) -> bool:
        with self._session() as s:
            return s.scalar(select(Learner.id).where(Learner.name == name)) is not None

    def used_status_indexes(self) -> set[int]:
        with self._session() as s:
            return set(s.scalars(select(Certificate.status_index)))

    def add_certificate(self, learner: str, course_id: str, credential_id: str, code: str, status_index: int,
                        jwt: str, issued_at: dt.datetime) -> None:
        lid = self.learner(learner)
        with self._session.begin() as s:
            s.add(Certificate(learner_id=lid, course_id=course_id, credential_id=credential_id, code=code,
                              status_index=status_index, jwt=jwt, issued_at=issued_at))

    def certificates(self, course_id: str | None = None, learner: str | None = None, code: str | None = None) -> list[dict]:
        with self._session() as s:
            q = select(Certificate, Learner.name).join(Learner)
            if course_id is not None:
                q = q.where(Certificate.course_id == course_id)
            if learner is not None:
                q = q.where(Learner.name == learner)
            if code is not None:
                q = q.where(Certificate.code == code)
            return [{"learner": name, "course": c.course_id, "id": c.credential_id, "code": c.code,
                     "status_index": c.status_index, "issued_at": c.issued_at, "revoked_at": c.revoked_at,
                     "jwt": c.jwt} for c, name in s.execute(q.order_by(Certificate.issued_at, Certificate.id)).all()]

    def mark_revoked(self, code: str) -> dict:
        with self._session.begin() as s:
            row = s.scalar(select(Certificate).where(Certificate.code == code))
            if row is None:
                raise UnknownIdError(f"no certificate with code {code}")
            if row.revoked_at is None:
                row.revoked_at = _now()
            return {"id": row.credential_id, "status_index": row.status_index, "revoked_at": row.revoked_at}
