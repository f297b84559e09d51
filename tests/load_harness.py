"""Load and faults against the real assessment service: simulated learners (asyncio + aiohttp),
the service in a subprocess (tests/load_service.py), an audit of the store afterwards, a
throwaway PostgreSQL server that can be killed -9, and the baseline (atomic write + fsync).

Used by tests/test_load.py (CI size) and bench/bench_load.py (full size). Loopback only;
every run stops by itself (a deadline on every learner, on every wait).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
SERVICE = "sets-assessment"
ACCESS = f"access:services!service={SERVICE}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def baseline_write_ms(folder: Path, n: int = 200) -> list[float]:
    """A bare atomic write of an answer-sized JSON, back to back: temp file, write, fsync, rename (ms each)."""
    target = folder / "baseline-b2b.json"
    out = [atomic_write_ms(folder, target, i) for i in range(n)]
    target.unlink(missing_ok=True)
    return out


def atomic_write_ms(folder: Path, target: Path, i: int) -> float:
    t0 = time.perf_counter()
    fd, tmp = tempfile.mkstemp(dir=folder)
    os.write(fd, json.dumps({"question": "1.1.q1", "choice": "abcd"[i % 4]}).encode())
    os.fsync(fd)
    os.close(fd)
    os.replace(tmp, target)
    return (time.perf_counter() - t0) * 1000


class PacedBaseline:
    """The baseline measured during the load: a bare atomic write + fsync every 5–25 ms, in a
    process of its own, from the load's start to its end.

    Writes made back to back run on a warm path: here they were 1.5–2.5 times faster than the
    same write made every 12 ms (p50 0.26 ms against 0.44–0.71 ms), and the service's saves come
    one by one, like the latter. Both are reported; the target's ratio uses this one."""

    def __init__(self, folder: Path, gap: tuple[float, float] = (0.005, 0.025)):
        self.folder, self.gap = folder, gap
        self.stop_file = folder / "baseline.stop"
        self.out_file = folder / "baseline.json"
        self.proc: subprocess.Popen | None = None
        self.values: list[float] = []

    def __enter__(self) -> "PacedBaseline":
        self.stop_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen([sys.executable, __file__, "paced-baseline", str(self.folder), str(self.gap[0]),
                                      str(self.gap[1])], stdout=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc) -> None:
        self.stop_file.touch()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.out_file.exists():
            self.values = json.loads(self.out_file.read_text())
            self.out_file.unlink()
        self.stop_file.unlink(missing_ok=True)


def _paced_baseline_main(folder: str, lo: str, hi: str) -> None:
    folder_p = Path(folder)
    target, stop, out = folder_p / "baseline-paced.json", folder_p / "baseline.stop", folder_p / "baseline.json"
    values: list[float] = []
    deadline = time.monotonic() + 600  # stops by itself even if nobody tells it to
    while not stop.exists() and time.monotonic() < deadline:
        time.sleep(random.uniform(float(lo), float(hi)))
        values.append(atomic_write_ms(folder_p, target, len(values)))
    target.unlink(missing_ok=True)
    out.write_text(json.dumps(values))


# -- the service in its own process ----------------------------------------------------------------
class ServiceProcess:
    def __init__(self, db_url: str, workdir: Path, learners: list[str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/services/{SERVICE}/"
        self.tokens = {f"tok-{name}": name for name in learners}
        #: a learner outside the audited cohort, for probing the service while it is down
        self.probe = "tok-probe-learner"
        self.tokens_file = workdir / "tokens.json"
        self.tokens_file.write_text(json.dumps(
            {tok: {"kind": "user", "name": name, "scopes": [ACCESS]}
             for tok, name in {**self.tokens, self.probe: "probe-learner"}.items()}))
        self.env = {**os.environ, "SETS_DB_URL": db_url, "SETS_HOME": str(workdir / "home"),
                    "SETS_KEYS_DIR": str(ROOT / "graders" / "keys"), "PYTHONUNBUFFERED": "1"}
        for var in ("SETS_BANKS_DIR", "SETS_SERVICE_URL", "JUPYTERHUB_API_TOKEN"):
            self.env.pop(var, None)
        self.log = open(workdir / "service.log", "ab")
        self.proc: subprocess.Popen | None = None
        self.kills = 0

    def start(self, timeout: float = 30) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "load_service.py"), str(self.port),
                                      str(self.tokens_file)], env=self.env, stdout=subprocess.PIPE,
                                     stderr=self.log, cwd=ROOT)
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline and self.proc.poll() is None:
            line = self.proc.stdout.readline()
            if line.strip() == b"ready":
                return
        self.stop()
        raise RuntimeError(f"the service did not start: {line!r} (see service.log)")

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.kills += 1

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.flush()


# -- a throwaway PostgreSQL server (root: runs as the postgres account) -----------------------------
def pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return candidates[-1].parent if candidates else None


def pg_available() -> str | None:
    """None when a throwaway server can be started here, else why not."""
    if pg_bin() is None:
        return "PostgreSQL server binaries not installed"
    if os.geteuid() != 0:
        return "starting a throwaway PostgreSQL server needs root (it runs as the postgres account)"
    try:
        import pwd
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres account"
    return None


class PgServer:
    def __init__(self):
        self.bin = pg_bin()
        # Its own folder under the system's temporary folder: the postgres account cannot enter
        # root's pytest folders (0700).
        self.dir = Path(tempfile.mkdtemp(prefix="sets-pg-"))
        shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self._as_postgres(["initdb", "-D", str(self.dir / "data"), "-A", "trust", "-N", "-U", "postgres"])
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.kills = 0

    def _as_postgres(self, cmd: list[str], timeout: float = 60) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / cmd[0]), *cmd[1:]], check=True,
                       capture_output=True, timeout=timeout)

    def start(self) -> None:
        self._as_postgres(["pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-t", "60",
                           "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200",
                           "start"], timeout=90)

    def pids(self) -> list[int]:
        """The postmaster and every process it forked (read from /proc: ours only, by id)."""
        try:
            master = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return []
        pids = [master]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
        return pids

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"

    def kill9(self) -> None:
        pids = self.pids()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(self._alive(p) for p in pids):
            time.sleep(0.05)
        # The postmaster was daemonised: its parent is the container's init, which may never reap it.
        # A zombie still "exists" for postgres' lock-file check, so the stale locks go, as an
        # administrator would remove it after a crash once no server process is left.
        if not any(self._alive(p) for p in pids):
            for stale in ("data/postmaster.pid", f".s.PGSQL.{self.port}.lock", f".s.PGSQL.{self.port}"):
                (self.dir / stale).unlink(missing_ok=True)
        self.kills += 1

    def stop(self) -> None:
        try:
            self._as_postgres(["pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop"], timeout=30)
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def new_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name


# -- simulated learners -------------------------------------------------------------------------------
@dataclass
class Run:
    save_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    #: floor mode: the same learners at the same pace, each request a GET api/me (no store)
    floor_ms: list[float] = field(default_factory=list)
    #: the last acknowledged choice per learner and question: what the store must hold
    acked: dict[str, dict[str, str]] = field(default_factory=dict)
    submitted: Counter = field(default_factory=Counter)
    retried: Counter = field(default_factory=Counter)  # retryable failures seen, by kind
    errors: Counter = field(default_factory=Counter)  # failures that are not retryable (a bug)
    unfinished: list[str] = field(default_factory=list)
    wall_s: float = 0.0


RETRYABLE_STATUS = (502, 503, 504)


@dataclass
class Reply:
    status: int
    data: object
    elapsed_ms: float


async def _call(client: aiohttp.ClientSession, run: Run, method: str, url: str, token: str, body: dict | None,
                deadline: float) -> tuple[Reply, int]:
    """Send until acknowledged (retrying what a restart or a database outage explains); (reply, tries).

    The clock runs from the request's start to its whole answer read: what a learner's page waits."""
    tries = 0
    while True:
        tries += 1
        t0 = time.perf_counter()
        try:
            async with client.request(method, url, json=body, headers={"Authorization": f"token {token}"}) as resp:
                raw = await resp.read()
                elapsed = (time.perf_counter() - t0) * 1000
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
            run.retried[type(exc).__name__] += 1
        else:
            if resp.status not in RETRYABLE_STATUS:
                return Reply(resp.status, json.loads(raw) if raw else None, elapsed), tries
            run.retried[f"HTTP {resp.status}"] += 1
        if time.monotonic() > deadline:
            raise TimeoutError(f"{method} {url}: no answer before the deadline")
        await asyncio.sleep(0.05 * min(tries, 10) * (0.5 + random.random()))


async def learner(client: aiohttp.ClientSession, base: str, name: str, course: str, questions: list[str],
                  rng: random.Random, think: tuple[float, float], run: Run, deadline: float,
                  floor: bool = False) -> None:
    token = f"tok-{name}"
    acked = run.acked.setdefault(name, {})
    plan = [(q, rng.choice("abcd")) for q in questions]
    # Learners change their mind: a third of the answers are given again, differently, later on.
    plan += [(q, rng.choice([c for c in "abcd" if c != first])) for q, first in rng.sample(plan, len(plan) // 3)]
    try:
        for qid, choice in plan:
            await asyncio.sleep(rng.uniform(*think))
            if floor:
                reply, _ = await _call(client, run, "GET", f"{base}api/me", token, None, deadline)
                if reply.status == 200 and reply.data.get("name") == name:
                    run.floor_ms.append(reply.elapsed_ms)
                else:
                    run.errors[f"me HTTP {reply.status}"] += 1
                continue
            reply, _ = await _call(client, run, "PUT", f"{base}api/attempts/{course}/initial/responses/{qid}", token,
                                   {"choice": choice}, deadline)
            if reply.status == 200 and reply.data == {"question": qid, "choice": choice}:
                acked[qid] = choice
                run.save_ms.append(reply.elapsed_ms)
            else:
                run.errors[f"save HTTP {reply.status}"] += 1
        if floor:
            return
        await asyncio.sleep(rng.uniform(*think))
        reply, tries = await _call(client, run, "POST", f"{base}api/attempts/{course}/initial/submit", token, {},
                                   deadline)
        if reply.status == 200:
            run.submitted[name] += 1
            run.submit_ms.append(reply.elapsed_ms)
        elif reply.status == 409 and tries > 1:
            # An earlier try was committed but its answer lost with the connection: already done.
            run.submitted[name] += 1
        else:
            run.errors[f"submit HTTP {reply.status}"] += 1
    except TimeoutError:
        run.unfinished.append(name)


async def _drive(base: str, learners: list[str], course: str, questions: list[str], think: tuple[float, float],
                 seed: int, limit_s: float, chaos=None, floor: bool = False) -> Run:
    run = Run()
    deadline = time.monotonic() + limit_s
    # aiohttp rather than httpx's AsyncClient: against this service, under this load, httpx's client
    # added about 1.3 ms to every request (GET api/me p50 2.2 ms vs 0.85 ms), which the latencies
    # measured here would have carried as if it were the service's.
    connector = aiohttp.TCPConnector(limit=len(learners) + 5)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False) as client:
        t0 = time.perf_counter()
        tasks = [learner(client, base, name, course, questions, random.Random(f"{seed}-{name}"), think, run, deadline,
                         floor) for name in learners]
        if chaos is not None:
            tasks.append(asyncio.to_thread(chaos))
        await asyncio.gather(*tasks)
        run.wall_s = time.perf_counter() - t0
    return run


def drive(base: str, learners: list[str], course: str, think=(0.05, 0.3), seed: int = 13, limit_s: float = 90,
          chaos=None, floor: bool = False) -> Run:
    """Every learner takes the course's whole self-assessment at once (floor: same pace, GET api/me)."""
    from sets_courseware.content import banks
    questions = [q.id for q in banks().course_questions(course)]
    return asyncio.run(_drive(base, learners, course, questions, think, seed, limit_s, chaos, floor))


# -- the audit --------------------------------------------------------------------------------------
@dataclass
class Audit:
    acknowledged: int = 0  # answers acknowledged and still the learner's latest
    lost: int = 0  # acknowledged answers the store does not hold (or holds otherwise)
    submissions: int = 0
    duplicates: int = 0  # submissions beyond one per learner, course and kind
    missing_submissions: int = 0
    half_written: int = 0  # submitted without results, or results that do not match the stored answers
    problems: list[str] = field(default_factory=list)


def audit(db_url: str, run: Run, course: str) -> Audit:
    from sqlalchemy import func, select

    from sets_courseware.assessment import AssessmentService
    from sets_courseware.content import load_keys
    from sets_courseware.store import Attempt, Learner, Store
    store = Store(db_url)
    keys_dir = ROOT / "graders" / "keys"
    scorer = AssessmentService(store, keys=lambda: load_keys(keys_dir))._scorer(course)
    out = Audit()
    try:
        with store.session() as s:
            counts = dict(s.execute(select(Learner.name, func.count(Attempt.id)).join(Attempt)
                                    .where(Attempt.course_id == course, Attempt.kind == "initial",
                                           Attempt.submitted_at.is_not(None)).group_by(Learner.name)).all())
        for name, acked in run.acked.items():
            state = store.attempt_state(name, course, "initial")
            out.acknowledged += len(acked)
            for qid, choice in acked.items():
                if state["responses"].get(qid) != choice:
                    out.lost += 1
                    out.problems.append(f"{name} {qid}: acknowledged {choice}, stored {state['responses'].get(qid)}")
            n = counts.get(name, 0)
            out.submissions += n
            out.duplicates += max(0, n - 1)
            if n == 0:
                out.missing_submissions += 1
                out.problems.append(f"{name}: no submission")
            if state["submitted_at"] is not None and state["results"] != scorer(state["responses"]):
                out.half_written += 1
                out.problems.append(f"{name}: results do not match the stored answers")
    finally:
        store.engine.dispose()
    return out


def latency_row(label: str, values: list[float]) -> dict:
    return {"what": label, "n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "max": max(values) if values else float("nan"),
            "mean": statistics.fmean(values) if values else float("nan")}


if __name__ == "__main__" and sys.argv[1:2] == ["paced-baseline"]:
    _paced_baseline_main(*sys.argv[2:5])
