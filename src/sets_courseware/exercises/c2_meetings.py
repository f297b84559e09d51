"""Module 2.3.8 — find a team meeting slot that respects the right to disconnect, export it as .ics.

The team (team_equipe.csv) and its busy times (team_agenda.csv) are synthetic: a small
régie de quartier, week of 17 March 2025. A slot is valid when it falls on a day every
attendee works, inside every attendee's working hours, outside the team's lunch break and
outside everyone's busy times. An empty calendar on a day off is not availability.

English notebooks read the same team and week from team_en.csv and team_agenda_en.csv
(English column names, roles, days and reasons for being busy).
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .common import CheckResult, dataset_path, lang_of, show

TZ = ZoneInfo("Europe/Paris")
WEEK_START = date(2025, 3, 17)
LUNCH = (time(12, 0), time(13, 30))
DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FILES = {"fr": ("course2_digital/team_equipe.csv", "course2_digital/team_agenda.csv"),
         "en": ("course2_digital/team_en.csv", "course2_digital/team_agenda_en.csv")}
# Column names of the team and agenda files, per language.
COLUMNS = {"fr": {"person": "personne", "role": "role", "email": "courriel", "day_start": "debut_journee",
                  "day_end": "fin_journee", "days_off": "jours_non_travailles", "start": "debut", "end": "fin",
                  "reason": "motif"},
           "en": {"person": "person", "role": "role", "email": "email", "day_start": "day_start",
                  "day_end": "day_end", "days_off": "days_off", "start": "start", "end": "end", "reason": "reason"}}


@dataclass
class Member:
    name: str
    role: str
    email: str
    start: time
    end: time
    days_off: set[int]
    busy: list[tuple[datetime, datetime, str]]


def _hm(text: str) -> time:
    return time.fromisoformat(text.strip())


def load_team(lang: str = "fr") -> dict[str, Member]:
    """The team with working hours, days off and busy times, keyed by first name (roles and reasons in `lang`)."""
    L = lang_of(lang)
    c, days = COLUMNS[L], (DAYS_EN if L == "en" else DAYS_FR)
    team_file, agenda_file = FILES[L]
    team: dict[str, Member] = {}
    with open(dataset_path(team_file), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            off = {days.index(d.strip()) for d in row[c["days_off"]].split(";") if d.strip()}
            team[row[c["person"]]] = Member(row[c["person"]], row[c["role"]], row[c["email"]],
                                            _hm(row[c["day_start"]]), _hm(row[c["day_end"]]), off, [])
    with open(dataset_path(agenda_file), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            day = date.fromisoformat(row["date"])
            team[row[c["person"]]].busy.append((datetime.combine(day, _hm(row[c["start"]])),
                                                datetime.combine(day, _hm(row[c["end"]])), row[c["reason"]]))
    return team


def parse_start(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value).strip().replace("h", ":").replace("T", " "))


def problems(start: datetime, duration_min: int, team: dict[str, Member], lang: str = "fr") -> list[str]:
    """Every rule the slot breaks, one sentence each (empty list: the slot is valid)."""
    en = lang == "en"
    end = start + timedelta(minutes=duration_min)
    found: list[str] = []
    if end.date() != start.date():
        return ["The meeting must start and end on the same day." if en else
                "La réunion doit commencer et finir le même jour."]
    weekday = start.weekday()
    day_name = (DAYS_EN if en else DAYS_FR)[weekday]
    if start.time() < LUNCH[1] and end.time() > LUNCH[0]:
        found.append("It overlaps the team's lunch break (12:00–13:30)." if en else
                     "Le créneau empiète sur la pause déjeuner de l'équipe (12 h 00–13 h 30).")
    for m in team.values():
        if weekday in m.days_off:
            found.append(f"{m.name} does not work on {day_name}s: an empty calendar on a day off is not availability."
                         if en else f"{m.name} ne travaille pas le {day_name} : un agenda vide un jour non travaillé "
                                    "n'est pas une disponibilité.")
            continue
        if start.time() < m.start or end.time() > m.end:
            found.append(f"Outside {m.name}'s working hours ({m.start:%H:%M}–{m.end:%H:%M}): right to disconnect."
                         if en else f"En dehors des horaires de {m.name} ({m.start:%H:%M}–{m.end:%H:%M}) : "
                                    "droit à la déconnexion.")
        for b_start, b_end, why in m.busy:
            if start < b_end and b_start < end:
                found.append(f"{m.name} is busy {b_start:%H:%M}–{b_end:%H:%M} ({why})." if en else
                             f"{m.name} est occupé·e de {b_start:%H:%M} à {b_end:%H:%M} ({why}).")
    return found


def check_slot(start: str | datetime, duration_min: int = 60, lang: str = "fr", display: bool = True) -> CheckResult:
    """Check a proposed slot, e.g. check_slot('2025-03-18 10:00', 60)."""
    en = lang == "en"
    try:
        when = parse_start(start)
    except ValueError:
        result = CheckResult(False, 0.0, ["Write the start as 'YYYY-MM-DD HH:MM'." if en else
                                          "Écrivez le début sous la forme « AAAA-MM-JJ HH:MM »."])
        return show(result) if display else result
    team = load_team(lang)
    found = problems(when, duration_min, team, lang)
    if not found and not (WEEK_START <= when.date() < WEEK_START + timedelta(days=7)):
        found = ["Choose a slot in the week of 17 March 2025 (the calendars cover only that week)." if en else
                 "Choisissez un créneau dans la semaine du 17 mars 2025 (les agendas ne couvrent que cette semaine)."]
    if found:
        result = CheckResult(False, 0.0, found, {"start": when, "problems": len(found)})
    else:
        end = when + timedelta(minutes=duration_min)
        msg = (f"Valid slot: {when:%A %d %B %Y, %H:%M}–{end:%H:%M}, everyone works and is free." if en else
               f"Créneau valide : {DAYS_FR[when.weekday()]} {when:%d/%m/%Y}, {when:%H:%M}–{end:%H:%M} ; "
               "tout le monde travaille et est libre.")
        result = CheckResult(True, 1.0, [msg], {"start": when, "problems": 0})
    return show(result) if display else result


def find_slots(duration_min: int = 60, step_min: int = 30) -> list[datetime]:
    """Every valid start in the week, on a step grid (what a scheduling assistant would propose)."""
    team = load_team()
    slots = []
    for d in range(7):
        t = datetime.combine(WEEK_START + timedelta(days=d), time(7, 0))
        while t.time() <= time(20, 0):
            if not problems(t, duration_min, team):
                slots.append(t)
            t += timedelta(minutes=step_min)
    return slots


def export_ics(start: str | datetime, duration_min: int, title: str, path: str | Path = "reunion.ics",
               location: str = "", organizer: str = "Amina") -> Path:
    """Write an invitation (.ics, RFC 5545) for the whole team, in Paris time; return its path."""
    from icalendar import Calendar, Event, vCalAddress, vText

    team = load_team()
    when = parse_start(start).replace(tzinfo=TZ)
    cal = Calendar()
    cal.add("prodid", "-//SETS courseware//module 2.3//FR")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{uuid.uuid4()}@sets-courseware")
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")))
    event.add("dtstart", when)
    event.add("dtend", when + timedelta(minutes=duration_min))
    event.add("summary", title)
    if location:
        event.add("location", location)
    boss = team[organizer]
    org = vCalAddress(f"mailto:{boss.email}")
    org.params["cn"] = vText(boss.name)
    event["organizer"] = org
    for m in team.values():
        att = vCalAddress(f"mailto:{m.email}")
        att.params["cn"] = vText(m.name)
        att.params["role"] = vText("REQ-PARTICIPANT")
        att.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", att, encode=0)
    cal.add_component(event)
    cal.add_missing_timezones()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cal.to_ical())
    return path


def plot_week(lang: str = "fr"):
    """One row per person and day: busy times in red, days off in grey, lunch break shaded."""
    import matplotlib.pyplot as plt

    en = lang == "en"
    team = load_team(lang)
    names = list(team)
    fig, axes = plt.subplots(1, 5, figsize=(11, 3.2), sharey=True)
    for d, ax in enumerate(axes):
        day = WEEK_START + timedelta(days=d)
        ax.axvspan(12, 13.5, color="#e8c77a", alpha=0.45, zorder=3)
        for i, m in enumerate(names):
            member = team[m]
            if d in member.days_off:
                ax.barh(i, 10, left=8, color="#bbbbbb", height=0.6)
                continue
            ax.barh(i, _h(member.end) - _h(member.start), left=_h(member.start), color="#d9ead3", height=0.6)
            for b_start, b_end, _ in member.busy:
                if b_start.date() == day:
                    ax.barh(i, _h(b_end.time()) - _h(b_start.time()), left=_h(b_start.time()),
                            color="#c0504d", height=0.6)
        ax.set_title(f"{(DAYS_EN if en else DAYS_FR)[d]} {day:%d/%m}", fontsize=9)
        ax.set_xlim(8, 18)
        ax.set_xticks([8, 10, 12, 14, 16, 18])
        ax.set_xlabel("hour" if en else "heure", fontsize=8)
    axes[0].set_yticks(range(len(names)), names)
    axes[0].set_ylabel("team member" if en else "personne")
    fig.suptitle("Week of 17 March 2025 — green: working hours, red: busy, grey: day off, beige: lunch" if en else
                 "Semaine du 17 mars 2025 — vert : horaires, rouge : occupé, gris : jour non travaillé, beige : déjeuner",
                 fontsize=10)
    fig.tight_layout()
    plt.show()
    plt.close(fig)


def _h(t: time) -> float:
    return t.hour + t.minute / 60
