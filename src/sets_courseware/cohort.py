"""The trainer's view of a cohort, as plain data: mastery, gains, item analysis, live-session plans.

Scoring needs the keys, so `build_report` runs where the keys are: in-process locally, in
the assessment service on a hub (`GET api/cohort/{course}/report`, trainers only). What
leaves it is statistics: per item its facility, discrimination index, the share of each
choice and flags (trainers see which choice is the key there, to debrief; learners never
reach this endpoint). The dashboard page (`dashboard.py`) only renders these values.

Definitions (classical test theory, as in most item-analysis handbooks):

- facility p: share of the cohort answering the item correctly (no answer counts wrong);
- discrimination index D = p(upper) - p(lower), the upper and lower groups being the 27 %
  of learners with the highest and lowest total score on the course's evaluation (at least
  one learner each); D < 0 means strong learners miss the item more than weak ones;
- share of each choice a-d (and of no answer) among all learners;
- normalised gain per module g = (post - pre) / (100 - pre), undefined when pre = 100.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping

from .content import CHOICE_IDS, banks, catalog

#: Flag thresholds: usual rules of thumb for classroom tests.
TOO_EASY = 0.90
TOO_HARD = 0.20
LOW_DISCRIMINATION = 0.20
UNUSED_DISTRACTOR = 0.05
GROUP_SHARE = 0.27

FLAGS = ("too_easy", "too_hard", "negative_discrimination", "low_discrimination", "unused_distractor")


@dataclass
class ItemStats:
    question: str
    module: str
    subtopics: list[str]
    n: int
    key: str
    facility: float
    discrimination: float
    shares: dict[str, float]          # choice id (and "none") -> share of learners
    flags: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # distractors below UNUSED_DISTRACTOR


@dataclass
class LearnerGain:
    learner: str
    module: str
    pre: float
    post: float
    gain: float | None


@dataclass
class ModuleProgress:
    module: str
    n: int
    pre: float
    post: float
    gain: float | None                # normalised gain of the cohort's means
    gains: list[float]                # each learner's g (learners with pre = 100 left out)


@dataclass
class CohortReport:
    course: str
    kind: str                         # the evaluation the item analysis is about
    n_initial: int
    n_final: int
    mastery_before: dict[str, float]  # sub-topic -> % correct (initial)
    mastery_after: dict[str, float]   # sub-topic -> % correct (final)
    mastery_matched: dict[str, float]  # sub-topic -> % correct (initial) of the learners who took the final
    progress: list[ModuleProgress]
    learner_gains: list[LearnerGain]
    items: list[ItemStats]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping) -> "CohortReport":
        return cls(course=data["course"], kind=data["kind"], n_initial=data["n_initial"], n_final=data["n_final"],
                   mastery_before=dict(data["mastery_before"]), mastery_after=dict(data["mastery_after"]),
                   mastery_matched=dict(data["mastery_matched"]),
                   progress=[ModuleProgress(**p) for p in data["progress"]],
                   learner_gains=[LearnerGain(**g) for g in data["learner_gains"]],
                   items=[ItemStats(**i) for i in data["items"]])

    def item(self, question_id: str) -> ItemStats:
        return next(i for i in self.items if i.question == question_id)

    def weakest(self, n: int = 5) -> list[tuple[str, float]]:
        """The n sub-topics with the lowest mastery at the initial self-assessment."""
        return sorted(self.mastery_before.items(), key=lambda kv: (kv[1], kv[0]))[:n]


def _module_of(question_id: str) -> str:
    return question_id.rsplit(".", 1)[0]


def item_analysis(questions, keys: Mapping, attempts: Mapping[str, Mapping[str, str]],
                  group_share: float = GROUP_SHARE) -> list[ItemStats]:
    """Facility, discrimination and choice shares of each question over the attempts {learner: responses}."""
    learners = sorted(attempts)
    n = len(learners)
    if n == 0:
        return []
    correct = {q.id: {name: attempts[name].get(q.id) == keys[q.id].answer for name in learners} for q in questions}
    total = {name: sum(correct[q.id][name] for q in questions) for name in learners}
    ranked = sorted(learners, key=lambda name: (total[name], name))
    size = max(1, round(group_share * n)) if n > 1 else 1
    lower, upper = ranked[:size], ranked[-size:]
    out = []
    for q in questions:
        key = keys[q.id].answer
        right = correct[q.id]
        facility = sum(right.values()) / n
        discrimination = (sum(right[x] for x in upper) - sum(right[x] for x in lower)) / size
        counts = {c: 0 for c in (*CHOICE_IDS, "none")}
        for name in learners:
            choice = attempts[name].get(q.id)
            counts[choice if choice in CHOICE_IDS else "none"] += 1
        shares = {c: counts[c] / n for c in counts}
        unused = [c for c in CHOICE_IDS if c != key and shares[c] < UNUSED_DISTRACTOR]
        flags = []
        if facility > TOO_EASY:
            flags.append("too_easy")
        if facility < TOO_HARD:
            flags.append("too_hard")
        if discrimination < 0:
            flags.append("negative_discrimination")
        elif discrimination < LOW_DISCRIMINATION and facility <= TOO_EASY:
            flags.append("low_discrimination")
        if unused:
            flags.append("unused_distractor")
        out.append(ItemStats(q.id, _module_of(q.id), list(q.subtopics), n, key, round(facility, 4),
                             round(discrimination, 4), {c: round(v, 4) for c, v in shares.items()}, flags, unused))
    return out


def _gain(pre: float, post: float) -> float | None:
    return None if pre >= 100 else (post - pre) / (100 - pre)


def build_report(course_id: str, initial: Iterable, final: Iterable, keys: Mapping | None = None,
                 kind: str = "initial") -> CohortReport:
    """The cohort's report from submitted attempts [(learner, responses, results), ...] of both evaluations."""
    from .content import load_keys
    from .path import subtopic_percent
    keys = load_keys() if keys is None else keys
    questions = banks().course_questions(course_id)
    initial, final = list(initial), list(final)
    pre = {name: {r["module"]: 100.0 * r["correct"] / r["total"] for r in results or [] if r["total"]}
           for name, _, results in initial}
    post = {name: {r["module"]: 100.0 * r["correct"] / r["total"] for r in results or [] if r["total"]}
            for name, _, results in final}
    learner_gains, progress = [], []
    for module in catalog().course(course_id).modules:
        both = [name for name in sorted(post) if name in pre and module.id in pre[name] and module.id in post[name]]
        rows = [LearnerGain(name, module.id, round(pre[name][module.id], 2), round(post[name][module.id], 2),
                            _gain(pre[name][module.id], post[name][module.id])) for name in both]
        learner_gains += rows
        mean_pre = sum(r.pre for r in rows) / len(rows) if rows else 0.0
        mean_post = sum(r.post for r in rows) / len(rows) if rows else 0.0
        progress.append(ModuleProgress(module.id, len(rows), round(mean_pre, 2), round(mean_post, 2),
                                       _gain(mean_pre, mean_post) if rows else None,
                                       [r.gain for r in rows if r.gain is not None]))
    attempts = {name: responses for name, responses, _ in (initial if kind == "initial" else final)}
    took_final = {name for name, _, _ in final}
    matched = [r for name, r, _ in initial if name in took_final]
    return CohortReport(
        course=course_id, kind=kind, n_initial=len(initial), n_final=len(final),
        mastery_before=subtopic_percent(questions, [r for _, r, _ in initial], keys) if initial else {},
        mastery_after=subtopic_percent(questions, [r for _, r, _ in final], keys) if final else {},
        mastery_matched=subtopic_percent(questions, matched, keys) if matched else {},
        progress=progress, learner_gains=learner_gains, items=item_analysis(questions, keys, attempts))


# -- live sessions -----------------------------------------------------------------------
@dataclass
class Slot:
    start: int                        # minutes from the session's start
    minutes: int
    title: str
    challenge: str | None = None
    subtopics: list[str] = field(default_factory=list)


def challenge_plan(course_id: str, mastery: Mapping[str, float], lang: str = "fr", minutes: int = 90,
                   opening: int = 10, closing: int = 15) -> list[Slot]:
    """Session 2: the bank's challenges for the weakest sub-topics, as many as fit in `minutes`.

    Challenges are ranked by `sessions.pick_challenges` (mean shortfall over their sub-topics);
    the plan keeps them in that order while they fit between the opening and the closing
    debrief, then fills the remaining time with the next challenge that still fits.
    """
    from .sessions import challenges, pick_challenges
    pool = challenges(course_id)
    ranked = pick_challenges(course_id, dict(mastery) or None, n=len(pool), pool=pool)
    words = {"fr": ("Ouverture : objectifs, résultats de la cohorte", "Débriefing commun et suite du parcours"),
             "en": ("Opening: goals, the cohort's results", "Joint debrief and next steps")}[lang]
    budget = minutes - opening - closing
    chosen = []
    for ch in ranked:
        if ch.minutes <= budget:
            chosen.append(ch)
            budget -= ch.minutes
    slots, at = [Slot(0, opening, words[0])], opening
    for ch in chosen:
        slots.append(Slot(at, ch.minutes, getattr(ch, lang).title, ch.id, list(ch.subtopics)))
        at += ch.minutes
    slots.append(Slot(at, minutes - at, words[1]))
    return slots


def attendance_grid(course_id: str, learners: Iterable[str], records: Iterable[Mapping]) -> list[dict]:
    """One row per learner: {learner, <session id>: True/False/None, ...} for the course's live sessions."""
    sessions = [s.id for s in catalog().course(course_id).live_sessions]
    seen = {(r["learner"], r["session"]): bool(r["present"]) for r in records}
    names = sorted(set(learners) | {name for name, _ in seen})
    return [{"learner": name, **{s: seen.get((name, s)) for s in sessions}} for name in names]


# -- exports -----------------------------------------------------------------------------
def _csv(header: list[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def items_csv(report: CohortReport) -> str:
    return _csv(["question", "module", "subtopics", "n", "key", "facility", "discrimination",
                 *[f"share_{c}" for c in (*CHOICE_IDS, "none")], "flags"],
                ([i.question, i.module, " ".join(i.subtopics), i.n, i.key, f"{i.facility:.3f}",
                  f"{i.discrimination:.3f}", *[f"{i.shares[c]:.3f}" for c in (*CHOICE_IDS, "none")],
                  " ".join(i.flags)] for i in report.items))


def mastery_csv(report: CohortReport) -> str:
    subtopics = [s.id for s in catalog().course(report.course).subtopics]
    fmt = lambda v: "" if v is None else f"{v:.1f}"  # noqa: E731
    return _csv(["subtopic", "before_percent", "after_percent"],
                ([s, fmt(report.mastery_before.get(s)), fmt(report.mastery_after.get(s))] for s in subtopics))


def gains_csv(report: CohortReport) -> str:
    return _csv(["learner", "module", "pre_percent", "post_percent", "normalised_gain"],
                ([g.learner, g.module, f"{g.pre:.1f}", f"{g.post:.1f}", "" if g.gain is None else f"{g.gain:.3f}"]
                 for g in report.learner_gains))


def attendance_csv(course_id: str, grid: list[dict]) -> str:
    sessions = [s.id for s in catalog().course(course_id).live_sessions]
    mark = {True: "present", False: "absent", None: ""}
    return _csv(["learner", *sessions], ([row["learner"], *[mark[row[s]] for s in sessions]] for row in grid))


def questions_csv(rows: list[dict]) -> str:
    return _csv(["module", "learner", "asked_at", "question"],
                ([r.get("module") or "", r["learner"], str(r.get("asked_at") or ""), r["text"]] for r in rows))


# -- where the data comes from -------------------------------------------------------------
class LocalCohort:
    """Single-user mode: the store and the keys of this machine (a trainer's own checkout)."""

    def __init__(self, store=None, keys=None, trainer: str | None = None):
        import getpass
        self._store = store
        self._keys = keys
        self.trainer = trainer or getpass.getuser()

    @property
    def store(self):
        if self._store is None:
            from .store import Store
            self._store = Store.default()
        return self._store

    def allowed(self) -> bool:
        return True

    def report(self, course_id: str) -> CohortReport:
        return build_report(course_id, self.store.submitted(course_id, "initial"),
                            self.store.submitted(course_id, "final"), self._keys)

    def learners(self, course_id: str) -> list[str]:
        return sorted({name for name, _, _ in self.store.submitted(course_id, "initial")}
                      | {r["learner"] for r in self.store.attendance(course_id)})

    def questions(self, course_id: str) -> list[dict]:
        return self.store.questions(course_id)

    def attendance(self, course_id: str) -> list[dict]:
        return self.store.attendance(course_id)

    def record_attendance(self, learner: str, course_id: str, session_id: str, present: bool) -> None:
        self.store.record_attendance(learner, course_id, session_id, present, self.trainer)


class ServiceCohort:
    """On a hub: the assessment service, with the trainer's own token (scope custom:sets-cohort)."""

    def __init__(self, client):
        self.client = client

    def allowed(self) -> bool:
        """Whether this server's token holds the trainers' scope (the service decides; this only explains)."""
        return bool(self.client.me().get("trainer"))

    def report(self, course_id: str) -> CohortReport:
        return CohortReport.from_json(self.client.cohort_report(course_id))

    def learners(self, course_id: str) -> list[str]:
        return sorted({r["learner"] for r in self.client.cohort(course_id, "initial")}
                      | {r["learner"] for r in self.client.attendance(course_id)})

    def questions(self, course_id: str) -> list[dict]:
        return self.client.cohort_questions(course_id)

    def attendance(self, course_id: str) -> list[dict]:
        return self.client.attendance(course_id)

    def record_attendance(self, learner: str, course_id: str, session_id: str, present: bool) -> None:
        self.client.record_attendance(learner, course_id, session_id, present)


def cohort_source():
    """The service when SETS_SERVICE_URL is set (a hub), else this machine's store and keys."""
    from .settings import get_settings
    settings = get_settings()
    if settings.service_url:
        from .client import ServiceClient
        return ServiceCohort(ServiceClient(settings.service_url))
    return LocalCohort()
