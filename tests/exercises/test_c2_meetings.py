"""Meetings exercise: only slots inside everyone's working days and hours, outside lunch and busy times, pass."""

import icalendar

from sets_courseware.exercises import c2_meetings as mt


def test_the_only_full_hour_slot_is_thursday_eleven():
    assert [s.strftime("%Y-%m-%d %H:%M") for s in mt.find_slots(60)] == ["2025-03-20 11:00"]


def test_right_slot_passes():
    res = mt.check_slot("2025-03-20 11:00", 60, lang="fr", display=False)
    assert res.ok and res.score == 1.0


def test_day_off_with_empty_calendar_is_refused():
    res = mt.check_slot("2025-03-19 14:00", 60, lang="en", display=False)
    assert not res.ok and any("Karim" in m and "day off" in m for m in res.messages)


def test_outside_working_hours_is_refused():
    res = mt.check_slot("2025-03-18 16:30", 60, lang="fr", display=False)
    assert not res.ok and any("déconnexion" in m for m in res.messages)


def test_lunch_busy_and_garbage_are_refused():
    assert not mt.check_slot("2025-03-18 12:00", 60, display=False).ok
    busy = mt.check_slot("2025-03-20 14:00", 60, lang="en", display=False)
    assert not busy.ok and any("busy" in m for m in busy.messages)
    assert not mt.check_slot("jeudi matin", 60, display=False).ok


def test_ics_invitation_is_valid_and_in_paris_time(tmp_path):
    path = mt.export_ics("2025-03-20 11:00", 60, "Réunion d'équipe", tmp_path / "r.ics")
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = list(cal.walk("VEVENT"))
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.hour == 11 and str(start.tzinfo) == "Europe/Paris"
    assert (end - start).total_seconds() == 3600
    assert len(event.get("attendee")) == 5


def test_english_team_files_describe_the_same_week_in_english():
    fr, en = mt.load_team("fr"), mt.load_team("en")
    assert list(fr) == list(en)
    for name in fr:
        assert fr[name].days_off == en[name].days_off and fr[name].start == en[name].start
        assert [b[:2] for b in fr[name].busy] == [b[:2] for b in en[name].busy]
    assert en["Amina"].role == "coordinator" and en["Amina"].busy[0][2] == "steering committee"


def test_english_messages_give_english_reasons():
    res = mt.check_slot("2025-03-17 10:00", 60, lang="en", display=False)
    text = " ".join(res.messages)
    assert not res.ok and "(steering committee)" in text and "comité" not in text
    assert mt.check_slot("2025-03-20 11:00", 60, lang="en", display=False).ok
