"""Module 2.2.3 — build an editorial calendar as a DataFrame and export it as an iCalendar file.

The plan (synthetic) lists one post per row: date, plateforme, theme, responsable, format in
the French file (editorial_plan_avril.csv); date, platform, theme, owner, format in its English
counterpart (editorial_plan_april_en.csv), chosen by the notebook's language. Every function
reads either set of column names. :func:`check_plan` checks the table (valid dates in the month, an owner
for every post, no two posts on the same platform the same day); :func:`export_ics` writes one
all-day event per post with the ``icalendar`` package; :func:`check_ics` parses the file back
and validates it (number of events, dates, owner, no same-platform clash).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .common import CheckResult, dataset_path, lang_of, show

DATASETS = {"fr": "course2_digital/editorial_plan_avril.csv", "en": "course2_digital/editorial_plan_april_en.csv"}
DATASET = DATASETS["fr"]
PRODID = "-//SETS courseware//Plan editorial//FR"
# The column holding each field, in the French and in the English plan.
COLUMNS = {"platform": ("plateforme", "platform"), "owner": ("responsable", "owner")}
DEFAULT_FILES = {"fr": "mes_fichiers/plan_editorial.ics", "en": "my_files/editorial_plan.ics"}

MSG = {
    "bad_date": {"fr": "Ligne {i} (« {t} ») : date invalide « {d} » (format AAAA-MM-JJ).",
                 "en": "Row {i} ('{t}'): invalid date '{d}' (format YYYY-MM-DD)."},
    "out_of_range": {"fr": "« {t} » est daté du {d}, hors de la période {a} → {b}.",
                     "en": "'{t}' is dated {d}, outside the period {a} → {b}."},
    "no_owner": {"fr": "« {t} » ({d}) n'a pas de responsable.", "en": "'{t}' ({d}) has no owner."},
    "no_platform": {"fr": "« {t} » ({d}) n'a pas de plateforme.", "en": "'{t}' ({d}) has no platform."},
    "clash": {"fr": "Deux publications sur {p} le {d} : « {t1} » et « {t2} ». Décalez-en une.",
              "en": "Two posts on {p} on {d}: '{t1}' and '{t2}'. Move one of them."},
    "plan_ok": {"fr": "Plan valide : {n} publications, chacune avec une date, une plateforme et un responsable, sans doublon le même jour.",
                "en": "Valid plan: {n} posts, each with a date, a platform and an owner, no same-day duplicate."},
    "no_file": {"fr": "Fichier introuvable : {p}.", "en": "File not found: {p}."},
    "not_ics": {"fr": "Le fichier n'est pas un iCalendar lisible : {e}.", "en": "The file is not a readable iCalendar: {e}."},
    "count_ok": {"fr": "{n} événements dans le fichier, comme attendu.", "en": "{n} events in the file, as expected."},
    "count_bad": {"fr": "{n} événements dans le fichier, {e} attendus.", "en": "{n} events in the file, {e} expected."},
    "ev_no_date": {"fr": "Un événement (« {t} ») n'a pas de date de début.", "en": "An event ('{t}') has no start date."},
    "ev_no_summary": {"fr": "Un événement du {d} n'a pas de titre (SUMMARY).", "en": "An event on {d} has no title (SUMMARY)."},
    "ev_no_owner": {"fr": "L'événement « {t} » n'indique pas de responsable.", "en": "Event '{t}' names no owner."},
    "ics_ok": {"fr": "Fichier iCalendar valide : {n} publications, dates dans la période, responsables indiqués, aucune plateforme utilisée deux fois le même jour. Importez-le dans votre agenda.",
               "en": "Valid iCalendar file: {n} posts, dates within the period, owners named, no platform used twice on the same day. Import it into your calendar."},
}


def _t(key: str, lang: str, **kw) -> str:
    return MSG[key]["en" if lang == "en" else "fr"].format(**kw)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value)[:10])
    except ValueError:
        return None


def _field(row: dict, name: str) -> str:
    """A row's platform or owner, whichever language its columns are in."""
    return next((_text(row.get(c)) for c in COLUMNS[name] if c in row), "")


def _column(plan: pd.DataFrame, name: str) -> str:
    return next((c for c in COLUMNS[name] if c in plan.columns), COLUMNS[name][0])


def load_plan(lang: str = "fr") -> pd.DataFrame:
    """The April editorial plan of a fictitious reuse centre (with flaws to find), in the notebook's language."""
    return pd.read_csv(dataset_path(DATASETS[lang_of(lang)]), encoding="utf-8", dtype=str).fillna("")


def check_plan(plan: pd.DataFrame, start: str = "2025-04-01", end: str = "2025-04-30",
               lang: str = "fr", display: bool = True) -> CheckResult:
    """Check the DataFrame: dates, owners, platforms, same-platform same-day clashes."""
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    problems: list[str] = []
    seen: dict[tuple[str, date], str] = {}
    rows = plan.to_dict("records")
    for i, row in enumerate(rows):
        theme, d = _text(row.get("theme")), _date(row.get("date"))
        if d is None:
            problems.append(_t("bad_date", lang, i=i, t=theme, d=_text(row.get("date"))))
            continue
        if not a <= d <= b:
            problems.append(_t("out_of_range", lang, t=theme, d=d, a=a, b=b))
        if not _field(row, "owner"):
            problems.append(_t("no_owner", lang, t=theme, d=d))
        platform = _field(row, "platform")
        if not platform:
            problems.append(_t("no_platform", lang, t=theme, d=d))
            continue
        key = (platform.lower(), d)
        if key in seen:
            problems.append(_t("clash", lang, p=platform, d=d, t1=seen[key], t2=theme))
        else:
            seen[key] = theme
    n = len(rows)
    ok = not problems and n > 0
    score = 1.0 if ok else max(0.0, 1 - len(problems) / max(n, 1))
    result = CheckResult(ok=ok, score=score, messages=problems or [_t("plan_ok", lang, n=n)],
                         details={"problems": len(problems), "posts": n})
    return show(result) if display else result


def export_ics(plan: pd.DataFrame, path: str | Path | None = None, organisation: str | None = None,
               lang: str = "fr") -> Path:
    """Write one all-day VEVENT per post (SUMMARY '[Platform] theme', owner in DESCRIPTION), labelled in `lang`.

    Without a path, the file goes to mes_fichiers/plan_editorial.ics (fr) or my_files/editorial_plan.ics (en)."""
    from icalendar import Calendar, Event

    en = lang_of(lang) == "en"
    path = path or DEFAULT_FILES[lang_of(lang)]
    organisation = organisation or ("Reuse centre (fictitious)" if en else "Ressourcerie (fictive)")
    owner_label = "Owner: " if en else "Responsable : "
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{'Editorial plan' if en else 'Plan éditorial'} – {organisation}")
    stamp = datetime(2025, 3, 15, 9, 0, 0)
    for row in plan.to_dict("records"):
        d = _date(row.get("date"))
        if d is None:
            continue
        platform, theme = _field(row, "platform"), _text(row.get("theme"))
        owner, fmt = _field(row, "owner"), _text(row.get("format"))
        ev = Event()
        uid = hashlib.sha1(f"{d}|{platform}|{theme}".encode()).hexdigest()[:16]
        ev.add("uid", f"{uid}@sets-courseware.example")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", d)
        ev.add("summary", f"[{platform}] {theme}")
        ev.add("categories", [platform] if platform else [])
        fmt_line = f"Format: {fmt}" if en else f"Format : {fmt}"
        ev.add("description", f"{owner_label}{owner}\n{fmt_line}" if owner else fmt_line)
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cal.to_ical())
    return path


def _platform(event) -> str:
    cats = event.get("categories")
    if cats is not None:
        items = cats if isinstance(cats, list) else [cats]
        for c in items:
            values = getattr(c, "cats", None) or [str(c)]
            if values and str(values[0]).strip():
                return str(values[0]).strip()
    summary = str(event.get("summary", ""))
    if summary.startswith("[") and "]" in summary:
        return summary[1:summary.index("]")]
    return ""


def check_ics(path: str | Path, expected: int | None = None, start: str = "2025-04-01",
              end: str = "2025-04-30", lang: str = "fr", display: bool = True) -> CheckResult:
    """Parse the .ics back and validate it; score = share of the four checks passed."""
    from icalendar import Calendar

    path = Path(path)
    if not path.exists():
        result = CheckResult(ok=False, score=0.0, messages=[_t("no_file", lang, p=path)])
        return show(result) if display else result
    try:
        cal = Calendar.from_ical(path.read_bytes())
    except Exception as exc:  # noqa: BLE001 - any parse error is reported to the learner
        result = CheckResult(ok=False, score=0.0, messages=[_t("not_ics", lang, e=exc)])
        return show(result) if display else result
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    msgs: list[str] = []
    checks = {"count": True, "dates": True, "owners": True, "clashes": True}
    if expected is not None and len(events) != expected:
        checks["count"] = False
        msgs.append(_t("count_bad", lang, n=len(events), e=expected))
    elif expected is not None:
        msgs.append(_t("count_ok", lang, n=len(events)))
    if not events:
        checks["count"] = False
    seen: dict[tuple[str, date], str] = {}
    for ev in events:
        summary = str(ev.get("summary", "")).strip()
        dt = ev.get("dtstart")
        d = _date(dt.dt) if dt is not None else None
        if d is None:
            checks["dates"] = False
            msgs.append(_t("ev_no_date", lang, t=summary))
            continue
        if not summary:
            checks["dates"] = False
            msgs.append(_t("ev_no_summary", lang, d=d))
        if not a <= d <= b:
            checks["dates"] = False
            msgs.append(_t("out_of_range", lang, t=summary, d=d, a=a, b=b))
        desc = str(ev.get("description", ""))
        owner = ""
        for line in desc.splitlines():
            if line.lower().startswith(("responsable", "owner")) and ":" in line:
                owner = line.split(":", 1)[1].strip()
        if not owner:
            checks["owners"] = False
            msgs.append(_t("ev_no_owner", lang, t=summary))
        key = (_platform(ev).lower(), d)
        if key in seen:
            checks["clashes"] = False
            msgs.append(_t("clash", lang, p=_platform(ev), d=d, t1=seen[key], t2=summary))
        else:
            seen[key] = summary
    ok = all(checks.values())
    if ok:
        msgs.append(_t("ics_ok", lang, n=len(events)))
    result = CheckResult(ok=ok, score=sum(checks.values()) / len(checks), messages=msgs,
                         details={"events": len(events), "checks": checks})
    return show(result) if display else result


def plot_plan(plan: pd.DataFrame, lang: str = "fr"):
    """Posts per week and platform (stacked bars)."""
    import matplotlib.pyplot as plt

    df = plan.copy()
    df["d"] = pd.to_datetime(df["date"], errors="coerce")
    df = df.dropna(subset=["d"])
    df["semaine"] = df["d"].dt.isocalendar().week.astype(int)
    table = df.pivot_table(index="semaine", columns=_column(df, "platform"), values="theme", aggfunc="count",
                           fill_value=0)
    fig, ax = plt.subplots(figsize=(9, 4))
    table.plot(kind="bar", stacked=True, ax=ax)
    en = lang == "en"
    ax.set_title("Posts per week and platform" if en else "Publications par semaine et par plateforme")
    ax.set_xlabel("ISO week number" if en else "Numéro de semaine (ISO)")
    ax.set_ylabel("Number of posts" if en else "Nombre de publications")
    ax.legend(title="Platform" if en else "Plateforme", fontsize=8)
    fig.tight_layout()
    plt.show()
    plt.close(fig)
    return table
