"""Autograde a whole cohort: intake of each submission as data, one nbgrader run per submission
in parallel, a wall-clock limit each, and a summary where every learner is graded or set aside
with a reason.

Steps, each one function:
  intake     copy from submitted/<learner>/<assignment>/ only what the assignment expects
             (the notebook, its answers file, nbgrader's timestamp): regular files, no links,
             size-capped, into intake/<learner>/<assignment>/; anything else is named and left.
  grade      real `nbgrader autograde` on the intake copy, in a forked worker (nbgrader is
             imported once, in the parent), kernels with PYTHONSAFEPATH=1 so that nothing in
             a learner's folder can be imported; killed with its kernels past the time limit.
  check      nbgrader's score (gradebook) against the direct score of the same answers file.
  report     graders/reports/<assignment>.json, read by `sets grade export`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .answers import MAX_BYTES as ANSWERS_MAX_BYTES
from .answers import answers_path
from .grading import direct_score, parse_assignment

NOTEBOOK_MAX_BYTES = 20 * 1024 * 1024
TIMESTAMP_MAX_BYTES = 1024


@dataclass
class Outcome:
    student: str
    assignment: str
    status: str = "graded"  # graded | flagged | set aside
    nbgrader: float | None = None
    direct: float | None = None
    max_score: float = 0.0
    agree: bool = False
    seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def flag(self, reason: str) -> None:
        self.reasons.append(reason)
        if self.status == "graded":
            self.status = "flagged"


def expected_files(graders: Path, assignment: str) -> dict[str, int]:
    """File name -> size cap, for what a submission of this assignment may hold."""
    module_id, _ = parse_assignment(assignment)
    notebooks = sorted(p.name for p in (graders / "release" / assignment).glob("*.ipynb")) or \
        sorted(p.name for p in (graders / "source" / assignment).glob("*.ipynb"))
    if not notebooks:
        from .errors import SetsError
        raise SetsError(f"assignment {assignment} was never released", file=graders / "release",
                        hint=f"run `sets grade release --module {module_id}` first")
    files = {name: NOTEBOOK_MAX_BYTES for name in notebooks}
    files[answers_path(module_id, Path(".")).name] = ANSWERS_MAX_BYTES
    files["timestamp.txt"] = TIMESTAMP_MAX_BYTES
    # Written by `nbgrader submit` on a hub; `nbgrader release_feedback` needs it in feedback/.
    files["submission_secret.txt"] = TIMESTAMP_MAX_BYTES
    return files


def _copy_regular(src: Path, dst: Path, cap: int) -> str | None:
    """Copy one file if it is a regular file within its cap; return why not otherwise."""
    try:
        st = os.lstat(src)
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_size > cap:
        return f"is {st.st_size:,} bytes (limit {cap:,})"
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout, length=1 << 20)
    return None


NBGRADER_FILES = (".ipynb_checkpoints", "submission_secret.txt", "timestamp.txt")


def intake(graders: Path, assignment: str, student: str, expected: dict[str, int]) -> Outcome:
    """Build intake/<student>/<assignment>/ from the raw submission; say what was left out."""
    out = Outcome(student, assignment)
    src = graders / "submitted" / student / assignment
    dst = graders / "intake" / student / assignment
    if dst.exists():
        shutil.rmtree(dst)
    if src.is_symlink() or (src.parent.is_symlink()):
        out.status, out.reasons = "set aside", ["the submission folder is a symbolic link"]
        return out
    dst.mkdir(parents=True)
    try:
        present = sorted(os.listdir(src))
    except OSError as exc:
        out.status, out.reasons = "set aside", [f"the submission folder cannot be read ({exc.strerror})"]
        return out
    notebook_ok = False
    for name, cap in expected.items():
        problem = _copy_regular(src / name, dst / name, cap)
        if name.endswith(".ipynb"):
            if problem:
                out.status = "set aside"
                out.reasons.append(f"notebook {name} {problem}")
                continue
            try:
                json.loads((dst / name).read_bytes().decode("utf-8"))
                notebook_ok = True
            except (UnicodeDecodeError, ValueError, RecursionError):
                out.status = "set aside"
                out.reasons.append(f"notebook {name} is not a valid notebook (JSON)")
        elif problem and problem != "missing":
            out.flag(f"{name} {problem}: not taken (graded as unanswered)")
    # nbgrader's own files: submission_secret.txt is written by `nbgrader submit` on a hub
    # (it pairs the submission with its feedback), timestamp.txt by submit/collect.
    extra = [n for n in present if n not in expected and n not in NBGRADER_FILES]
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        out.flag(f"unexpected files left out of grading: {shown}")
    if not notebook_ok and out.status != "set aside":
        out.status = "set aside"
    return out


def _worker(graders: Path, assignment: str, student: str, log_path: Path) -> None:
    """In the forked child: run nbgrader autograde for one submission, then exit."""
    os.setsid()
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.chdir(graders)
    # The grading kernel must not import anything from the submission's folder (its
    # working directory): without '' on sys.path, `import sets_courseware` is the
    # grading environment's package whatever a learner uploads.
    os.environ["PYTHONSAFEPATH"] = "1"
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    code = 1
    try:
        from nbgrader.apps.nbgraderapp import NbGraderApp
        NbGraderApp.launch_instance(argv=["autograde", assignment, "--student", student, "--create", "--force",
                                          "--CourseDirectory.submitted_directory=intake"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _kill_tree(pid: int) -> None:
    import psutil
    try:
        procs = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        procs = []
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _log_reason(log_path: Path) -> str:
    """The most telling error line of a failed nbgrader run."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "nbgrader failed (no log)"
    errors = [ln for ln in lines if "[ERROR]" in ln or "Error:" in ln or "Exception:" in ln]
    for ln in errors:
        if "There was an error processing" in ln or "Please see" in ln:
            continue
        return "nbgrader: " + ln.split("]", 1)[-1].strip()[:300]
    return "nbgrader failed: " + (lines[-1][:300] if lines else "no output")


def grade_all(graders: Path, assignment: str, students: list[str] | None = None, workers: int | None = None,
              timeout: float | None = None, progress: bool = True) -> list[Outcome]:
    """Intake, parallel nbgrader autograde, direct check; one Outcome per submission, none lost."""
    from tqdm import tqdm

    # Imported once here, so that every forked worker starts with nbgrader already loaded.
    import nbgrader.apps.nbgraderapp  # noqa: F401

    from .content import load_graded_keys
    from .grading import gradebook_scores

    module_id, _ = parse_assignment(assignment)
    keys = load_graded_keys(module_id)
    expected = expected_files(graders, assignment)
    submitted = graders / "submitted"
    students = students if students is not None else sorted(
        p.parent.name for p in submitted.glob(f"*/{assignment}"))
    workers = workers or max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    timeout = timeout if timeout is not None else float(os.environ.get("SETS_GRADE_TIMEOUT", "120"))
    logs = graders / "logs" / assignment
    logs.mkdir(parents=True, exist_ok=True)

    outcomes = {s: intake(graders, assignment, s, expected) for s in students}
    queue = [s for s in students if outcomes[s].status != "set aside"]
    running: dict[int, tuple[str, float]] = {}
    bar = tqdm(total=len(students), desc=f"autograde {assignment}", unit="submission", disable=not progress,
               file=sys.stderr)
    bar.update(len(students) - len(queue))
    sys.stdout.flush()
    sys.stderr.flush()
    while queue or running:
        while queue and len(running) < workers:
            student = queue.pop(0)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                _worker(graders, assignment, student, logs / f"{student}.log")
            running[pid] = (student, time.monotonic())
        time.sleep(0.02)
        for pid, (student, started) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            elapsed = time.monotonic() - started
            if done == 0 and elapsed < timeout:
                continue
            out = outcomes[student]
            out.seconds = round(elapsed, 2)
            if done == 0:
                _kill_tree(pid)
                os.waitpid(pid, 0)
                out.status = "set aside"
                out.reasons.append(f"grading took longer than {timeout:g} s: stopped")
            else:
                _kill_tree(pid)  # a kernel left behind by a failed run
                if os.waitstatus_to_exitcode(status) != 0:
                    out.status = "set aside"
                    out.reasons.append(_log_reason(logs / f"{student}.log"))
            del running[pid]
            bar.update(1)
    bar.close()

    nbg = gradebook_scores(graders, assignment) if (graders / "gradebook.db").exists() else {}
    for student in students:
        out = outcomes[student]
        score, max_score, problem = direct_score(graders / "intake" / student / assignment, module_id, keys)
        out.direct, out.max_score = score, max_score
        if problem and out.status != "set aside":
            out.flag(problem)
        if out.status == "set aside":
            out.nbgrader = None
            out.agree = False
            continue
        out.nbgrader = nbg.get(student)
        out.agree = out.nbgrader is not None and abs(out.nbgrader - score) < 1e-9
        if not out.agree:
            out.flag(f"nbgrader score {out.nbgrader} differs from the direct score {score:g}")
    report = graders / "reports" / f"{assignment}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    previous = {}
    if report.exists():
        try:
            previous = {r["student"]: r for r in json.loads(report.read_text(encoding="utf-8"))}
        except (ValueError, KeyError, TypeError):
            previous = {}
    previous.update({o.student: asdict(o) for o in outcomes.values()})
    from .answers import atomic_write_json
    atomic_write_json(report, [previous[k] for k in sorted(previous)])
    return [outcomes[s] for s in students]


def summary_table(outcomes: list[Outcome]) -> str:
    head = f"{'learner':<20} {'status':<10} {'nbgrader':>8} {'direct':>7} {'max':>4} {'agree':>5}  reasons"
    lines = [head, "-" * len(head)]
    for o in outcomes:
        nbg = "—" if o.nbgrader is None else f"{o.nbgrader:g}"
        direct = "—" if o.direct is None else f"{o.direct:g}"
        lines.append(f"{o.student[:20]:<20} {o.status:<10} {nbg:>8} {direct:>7} {o.max_score:>4g} "
                     f"{'yes' if o.agree else 'no':>5}  {'; '.join(o.reasons)}")
    graded = sum(o.status == "graded" for o in outcomes)
    flagged = sum(o.status == "flagged" for o in outcomes)
    aside = sum(o.status == "set aside" for o in outcomes)
    lines.append(f"\n{len(outcomes)} submissions: {graded} graded, {flagged} graded with a flag, {aside} set aside")
    return "\n".join(lines)


def export_rows(graders: Path) -> list[dict]:
    """One row per learner and assignment: gradebook scores with the batch's status and reasons."""
    rows = []
    for report in sorted((graders / "reports").glob("*.json")):
        for r in json.loads(report.read_text(encoding="utf-8")):
            rows.append({"assignment": r["assignment"], "student": r["student"], "status": r["status"],
                         "nbgrader_score": r["nbgrader"], "direct_score": r["direct"], "max_score": r["max_score"],
                         "agree": r["agree"], "reasons": "; ".join(r["reasons"])})
    return rows


__all__ = ["Outcome", "export_rows", "grade_all", "intake", "summary_table"]
