"""Tests for the module 1.2.4 exercise: stakeholder mapping of a tiers-lieu."""
import matplotlib

matplotlib.use("Agg")

from sets_courseware.exercises import c1_stakeholders as st  # noqa: E402


def _plausible():
    df = st.load_stakeholders()
    return {r.id: ((r.influence_min + r.influence_max) / 2, (r.interet_min + r.interet_max) / 2)
            for r in df.itertuples(index=False)}


def test_plausible_map_passes():
    r = st.check_map(_plausible(), display=False)
    assert r.ok and r.score == 1.0 and not r.details["flagged"]


def test_implausible_placements_are_flagged():
    scores = _plausible()
    scores["mairie"] = (1, 4)          # the building owner with no influence
    scores["prefecture"] = (4, 5)      # the safety commission passionate about the project
    r = st.check_map(scores, lang="en", display=False)
    assert not r.ok
    assert set(r.details["flagged"]) == {"mairie", "prefecture"}
    assert any("Town council" in m and "underestimated" in m for m in r.messages)
    assert any("State services" in m and "overestimated" in m for m in r.messages)


def test_missing_and_out_of_range_scores():
    scores = _plausible()
    del scores["presse"]
    scores["habitants"] = (0, 7)
    scores["benevoles"] = ("4", 5)
    r = st.check_map(scores, display=False)
    assert r.details["missing"] == ["presse"]
    assert {"habitants", "benevoles"} <= set(r.details["flagged"])
    assert r.score == 7 / 10


def test_quadrants_and_strategies():
    assert st.quadrant(5, 5) == "associer"
    assert st.quadrant(4, 1) == "satisfaire"
    assert st.quadrant(1, 5) == "informer"
    assert st.quadrant(2, 2) == "surveiller"
    table = st.strategies(_plausible(), lang="fr")
    assert len(table) == 4
    assert "Mairie" in table.loc["Associer étroitement", "parties prenantes"]


def test_plot_has_title_and_labels():
    fig = st.plot_grid(_plausible(), lang="en")
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.collections) == 10


def test_english_ids_are_shown_and_accepted():
    from sets_courseware.exercises import c1_stakeholders as stakeholders_module
    table = stakeholders_module.stakeholders(lang="en")
    assert {"town_council", "residents", "social_landlord"} <= set(table.index) and "mairie" not in table.index
    en_scores = {"town_council": (5, 4), "residents": (2, 5), "volunteers": (3, 5), "region": (4, 2),
                 "foundation": (4, 3), "shopkeepers": (2, 3), "coworkers": (2, 4), "social_landlord": (3, 3),
                 "press": (3, 2), "prefecture": (4, 1)}
    fr_keys = {stakeholders_module._IDS_FROM_EN[k]: v for k, v in en_scores.items()}
    en = stakeholders_module.check_map(en_scores, lang="en", display=False)
    fr = stakeholders_module.check_map(fr_keys, lang="fr", display=False)
    assert en.details == fr.details and not en.details["missing"]
