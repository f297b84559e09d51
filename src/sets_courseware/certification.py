"""Certification rules, in one place: what a learner must have done before a certificate is issued.

The seeds end each course with "QCM d'acquisition des compétences" and a "certificat de
réalisation délivré à la fin de la formation"; the launch session presents "les règles
d'assiduité et de certification", and the final live session is where "l'évaluation et
l'examen nécessaires au processus de certification" take place. Four rules follow, each
checked from evidence the learner's own process cannot write (the store, held by the
assessment service, and nbgrader's gradebook, held by the graders):

- `final`: the final evaluation is submitted (store);
- `quizzes`: in a course whose path rule is "mandatory" (course 2: "les contenus
  correspondants seront considérés comme obligatoires pour l'achèvement du cours"), the
  quiz of every module the initial self-assessment made required has a gradebook
  submission (assignment m2_X_fr or m2_X_en);
- `competence`: the competence MCQ (assignment cN_fr or cN_en, best of the two) scores at
  or above the pass mark. Default 60 % (9 of 15): above the path's "required" band
  (< 40 %) and below "mastered" (>= 80 %), the usual pass mark of vocational EQF 4
  assessments; with four options, answering at random reaches 9 of 15 in 0.4 % of tries;
- `attendance`: the trainer recorded the learner present at the live sessions; default all
  three (`SETS_ATTENDANCE_REQUIRED`, 0-3): the seeds give the sessions a fixed role each
  (rules and platform, practice by scenarios, round table and certification exam) and
  state no lower bar; a programme that accepts a justified absence lowers it.

Plain data in, plain data out: `gather` reads the evidence, `evaluate` applies the rules.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .content import catalog
from .path import ModuleResult, PathRules, build_path

RULES = ("final", "quizzes", "competence", "attendance")
LANGS = ("fr", "en")


@dataclass(frozen=True)
class CertificationRules:
    pass_mark: int = 60
    attendance_required: int = 3

    @classmethod
    def from_settings(cls, settings=None) -> "CertificationRules":
        from .errors import SetsError
        from .settings import get_settings
        settings = settings or get_settings()
        rules = cls(settings.pass_mark, settings.attendance_required)
        if not 0 <= rules.pass_mark <= 100 or not 0 <= rules.attendance_required <= 3:
            raise SetsError(f"certification rules need 0 <= SETS_PASS_MARK <= 100 and 0 <= SETS_ATTENDANCE_REQUIRED <= 3, "
                            f"got {rules}")
        return rules


@dataclass
class Evidence:
    """What the store and the gradebook hold on one learner for one course (None: not readable here)."""

    learner: str
    course: str
    known_learner: bool = True
    initial_results: list[ModuleResult] | None = None
    final_submitted: bool = False
    quizzes_submitted: set[str] | None = field(default_factory=set)  # module ids with a gradebook submission
    competence_percent: float | None = None  # best of the languages; None: not submitted (or gradebook unreadable)
    gradebook_readable: bool = True
    attended: set[str] = field(default_factory=set)  # live-session ids recorded present
    lang: str | None = None  # language of the competence MCQ taken: the certificate's language


@dataclass
class Check:
    rule: str
    done: bool | None  # None: cannot be known here (gradebook out of reach); the issuer checks it
    values: dict = field(default_factory=dict)  # for the message: what is missing, scores, counts


@dataclass
class Verdict:
    learner: str
    course: str
    checks: list[Check]

    @property
    def eligible(self) -> bool:
        return all(c.done for c in self.checks)

    def missing(self) -> list[Check]:
        return [c for c in self.checks if not c.done]

    def to_json(self) -> dict:
        return {"learner": self.learner, "course": self.course, "eligible": self.eligible,
                "checks": [asdict(c) for c in self.checks]}

    @classmethod
    def from_json(cls, data: dict) -> "Verdict":
        return cls(data["learner"], data["course"], [Check(**c) for c in data["checks"]])


def required_modules(course_id: str, initial: list[ModuleResult]) -> list[str]:
    """Modules the initial self-assessment made required (path.py's rules)."""
    return [p.module for p in build_path(course_id, initial, PathRules.from_env()) if p.status == "required"]


def evaluate(evidence: Evidence, rules: CertificationRules) -> Verdict:
    course = catalog().course(evidence.course)
    checks = [Check("final", evidence.final_submitted)]
    if course.path_rule == "mandatory":
        if evidence.initial_results is None:
            checks.append(Check("quizzes", False, {"missing": "initial"}))
        else:
            needed = required_modules(course.id, evidence.initial_results)
            if evidence.quizzes_submitted is None:
                checks.append(Check("quizzes", None, {"required": needed, "missing": []}))
            else:
                left = [m for m in needed if m not in evidence.quizzes_submitted]
                checks.append(Check("quizzes", not left, {"required": needed, "missing": left}))
    if not evidence.gradebook_readable:
        checks.append(Check("competence", None, {"pass_mark": rules.pass_mark, "percent": None}))
    else:
        pct = evidence.competence_percent
        checks.append(Check("competence", pct is not None and pct >= rules.pass_mark - 1e-9,
                            {"pass_mark": rules.pass_mark, "percent": None if pct is None else round(pct, 1)}))
    sessions = [s.id for s in course.live_sessions]
    attended = [s for s in sessions if s in evidence.attended]
    checks.append(Check("attendance", len(attended) >= rules.attendance_required,
                        {"required": rules.attendance_required, "attended": attended,
                         "missing": [s for s in sessions if s not in evidence.attended]}))
    return Verdict(evidence.learner, course.id, checks)


# -- evidence -------------------------------------------------------------------------------
def quiz_assignment(module_id: str, lang: str) -> str:
    return "m" + module_id.replace(".", "_") + f"_{lang}"


def competence_assignment(course_id: str, lang: str) -> str:
    return f"c{course_id}_{lang}"


def gradebook_percents(graders_dir: Path | None, learner: str, assignments: list[str]) -> dict[str, float] | None:
    """Percent score of each of the learner's submissions in nbgrader's gradebook; None if out of reach.

    Only an existing gradebook is opened (nbgrader would create an empty one)."""
    if graders_dir is None:
        return None
    db = Path(graders_dir) / "gradebook.db"
    try:
        if not db.exists():
            return {}
        with open(db, "rb"):
            pass
    except OSError:
        return None
    from nbgrader.api import Gradebook, MissingEntry
    out: dict[str, float] = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for name in assignments:
            try:
                sub = gb.find_submission(name, learner)
            except MissingEntry:
                continue
            out[name] = 100.0 * float(sub.score) / float(sub.max_score) if sub.max_score else 0.0
    return out


def gather(learner: str, course_id: str, store, graders_dir: Path | None) -> Evidence:
    course = catalog().course(course_id)
    ev = Evidence(learner, course.id, known_learner=store.has_learner(learner))
    initial = store.attempt_state(learner, course.id, "initial")
    if initial["submitted_at"] is not None:
        ev.initial_results = [ModuleResult(**r) for r in initial["results"] or []]
    ev.final_submitted = store.attempt_state(learner, course.id, "final")["submitted_at"] is not None
    ev.attended = {r["session"] for r in store.attendance(course.id, learner=learner) if r["present"]}
    names = [competence_assignment(course.id, lang) for lang in LANGS]
    if course.path_rule == "mandatory":
        names += [quiz_assignment(m.id, lang) for m in course.modules for lang in LANGS]
    scores = gradebook_percents(graders_dir, learner, names)
    if scores is None:
        ev.gradebook_readable, ev.quizzes_submitted = False, None
    else:
        ev.quizzes_submitted = {m.id for m in course.modules
                                if any(quiz_assignment(m.id, lang) in scores for lang in LANGS)}
        got = [(scores[competence_assignment(course.id, lang)], lang) for lang in LANGS
               if competence_assignment(course.id, lang) in scores]
        if got:
            ev.competence_percent, ev.lang = max(got)
    return ev


def check(learner: str, course_id: str, store=None, graders_dir: Path | None = None,
          rules: CertificationRules | None = None) -> Verdict:
    """The learner's certification verdict for a course, from the store and the gradebook."""
    from .settings import get_settings
    if store is None:
        from .store import Store
        store = Store.default()
    settings = get_settings()
    return evaluate(gather(learner, course_id, store, graders_dir if graders_dir is not None else settings.graders_dir),
                    rules or CertificationRules.from_settings(settings))


def explain(check_: Check, lang: str) -> str:
    """One line for a person: what this rule asks, and what is done or left."""
    from .i18n import t
    v = check_.values
    state = "unknown" if check_.done is None else "done" if check_.done else "left"
    if check_.rule == "quizzes" and v.get("missing") == "initial":
        return t("cert.quizzes.no_initial", lang)
    if check_.rule == "quizzes" and check_.done and not v.get("required"):
        state = "none"
    if check_.rule == "competence" and check_.done is False and v.get("percent") is None:
        state = "todo"
    params = {"pass_mark": v.get("pass_mark"), "required": v.get("required"),
              "percent": "—" if v.get("percent") is None else f"{v['percent']:.0f}",
              "attended": len(v.get("attended", [])),
              "missing": ", ".join(v.get("missing") or []) if isinstance(v.get("missing"), list) else "",
              "modules": ", ".join(v.get("required") or []) if check_.rule == "quizzes" else ""}
    return t(f"cert.{check_.rule}.{state}", lang, **params)
