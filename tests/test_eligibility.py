"""The per-person rules (`mutualaid.domain.eligibility`) and the one matching
(`mutualaid.domain.matching`), each at its limit and one past it."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from mutualaid.domain import eligibility as rules
from mutualaid.domain.matching import Matching, all_seated, matching_size
from mutualaid.domain.model import (
    Location,
    Resident,
    Settings,
    SkillNeed,
    Task,
    Team,
    TeamNeed,
    TeamSkillNeed,
    Volunteer,
)
from mutualaid.travel import (
    EARTH_RADIUS_KM,
    HaversineTravel,
    haversine_km,
    minutes,
    minutes_for_km,
    reach_radians,
)

HOME = Location(52.52, 13.40)
TEAMS = {
    "red": Team("red", "Red", frozenset({"lifting"})),
    "blue": Team("blue", "Blue", frozenset()),
}
DAY = (8 * 60, 12 * 60)


def volunteer(**kw: object) -> Volunteer:
    fields: dict[str, object] = {"id": "v1", "name": "V", "home": HOME, "blocks": (DAY,)}
    fields.update(kw)
    return Volunteer(**fields)  # type: ignore[arg-type]


def task(**kw: object) -> Task:
    fields: dict[str, object] = {
        "id": "t1",
        "title": "T",
        "location": HOME,
        "needs": (SkillNeed("shopping", 1),),
        "duration_minutes": 60,
        "start_ranges": ((8 * 60, 11 * 60),),
    }
    fields.update(kw)
    return Task(**fields)  # type: ignore[arg-type]


# --- rule 1: qualifies --------------------------------------------------------------------------


def test_a_skill_role_is_filled_by_someone_with_the_skill_and_no_team() -> None:
    need = SkillNeed("shopping", 1)
    assert rules.fills(volunteer(skills=frozenset({"shopping"})), need, None, TEAMS)
    assert not rules.fills(volunteer(skills=frozenset({"driving"})), need, None, TEAMS)
    assert not rules.fills(volunteer(skills=frozenset({"shopping"})), need, "red", TEAMS)


def test_a_team_role_is_filled_by_members_of_the_named_team_only() -> None:
    need = TeamNeed("red", 1, 2)
    member = volunteer(teams=("red",))
    assert rules.fills(member, need, "red", TEAMS)
    assert not rules.fills(member, need, "blue", TEAMS)
    assert not rules.fills(volunteer(teams=("blue",)), need, "red", TEAMS)
    assert rules.teams_for(need, TEAMS) == ["red"]
    assert rules.teams_for(TeamNeed("ghost", 1, 1), TEAMS) == []


def test_a_team_skill_role_is_filled_by_members_of_a_team_with_that_skill() -> None:
    need = TeamSkillNeed("lifting", 1, 1)
    assert rules.qualifies(volunteer(teams=("red",)), need, TEAMS)
    assert not rules.qualifies(volunteer(teams=("blue",)), need, TEAMS)
    assert not rules.qualifies(volunteer(skills=frozenset({"lifting"})), need, TEAMS)
    assert rules.teams_for(need, TEAMS) == ["red"]


# --- rule 1: safeguards -------------------------------------------------------------------------


def test_a_vetted_only_task_excludes_the_unvetted() -> None:
    t = task(vetted_only=True)
    assert rules.exclusion(t, volunteer(vetted=False), None) == "vetted"
    assert rules.exclusion(t, volunteer(vetted=True), None) is None


def test_the_residents_gender_preference_excludes_the_other_gender_and_the_unknown() -> None:
    resident = Resident("r1", "R", HOME, gender_preference="f")
    assert rules.exclusion(task(), volunteer(gender="f"), resident) is None
    assert rules.exclusion(task(), volunteer(gender="m"), resident) == "gender"
    assert rules.exclusion(task(), volunteer(gender=None), resident) == "gender"


def test_a_task_with_languages_excludes_who_speaks_none_of_them() -> None:
    t = task(languages=frozenset({"tr", "ar"}))
    assert rules.exclusion(t, volunteer(languages=frozenset({"ar"})), None) is None
    assert rules.exclusion(t, volunteer(languages=frozenset({"de"})), None) == "language"
    assert rules.exclusion(task(), volunteer(languages=frozenset()), None) is None


def test_a_volunteer_who_declined_a_task_is_excluded_from_it() -> None:
    assert rules.exclusion(task(), volunteer(), None, {("t1", "v1")}) == "declined"
    assert rules.exclusion(task(), volunteer(), None, {("t2", "v1")}) is None


# --- rule 2: reaches ----------------------------------------------------------------------------


def test_a_task_exactly_at_the_travel_limit_is_reached_one_minute_more_is_not() -> None:
    vol = volunteer(max_travel_minutes=15)
    assert rules.reaches(vol, 15)
    assert not rules.reaches(vol, 16)


# --- rules 3-5: free and weekly hours -----------------------------------------------------------


def test_free_starts_leave_travel_from_home_and_back_inside_the_block() -> None:
    # block 8:00-12:00, a 60-minute task 10 minutes away: 8:10 at the earliest, 10:50 at the
    # latest (back home at 12:00), within the task's own range 8:00-11:00
    assert rules.free(volunteer(), task(), 10) == [(8 * 60 + 10, 10 * 60 + 50)]
    assert rules.free(volunteer(), task(duration_minutes=4 * 60), 1) == []


def test_weekly_hours_allow_exactly_sixty_times_the_hours() -> None:
    vol = volunteer(max_hours_per_week=2.5)
    assert rules.minutes_left(vol, 100) == 50
    assert rules.within_hours(vol, 150)
    assert not rules.within_hours(vol, 151)


# --- one person on their own --------------------------------------------------------------------


def test_the_first_refusal_follows_the_loaders_order() -> None:
    able = volunteer(skills=frozenset({"shopping"}), vetted=True)
    assert rules.refusal(task(), able, 10, TEAMS, None) == (None, [(490, 650)])
    assert rules.refusal(task(), volunteer(), 10, TEAMS, None)[0] == "no_role"
    vetted_task = task(vetted_only=True)
    assert rules.refusal(vetted_task, volunteer(skills=able.skills), 99, TEAMS, None)[0] == "vetted"
    assert rules.refusal(task(), able, 16, TEAMS, None)[0] == "out_of_range"
    tired = volunteer(skills=able.skills, max_hours_per_week=0.5)
    assert rules.refusal(task(), tired, 10, TEAMS, None)[0] == "hours"
    assert rules.refusal(task(duration_minutes=235), able, 10, TEAMS, None)[0] == "no_time"


def test_can_fill_holds_at_a_free_start_and_not_one_minute_outside() -> None:
    able = volunteer(skills=frozenset({"shopping"}))
    t = task()
    assert rules.can_fill(t, able, 0, None, 490, 10, TEAMS, None)
    assert not rules.can_fill(t, able, 0, None, 489, 10, TEAMS, None)
    assert not rules.can_fill(t, able, 1, None, 490, 10, TEAMS, None)  # no such role
    assert not rules.can_fill(t, able, 0, None, 490, 10, TEAMS, None, {("t1", "v1")})


def test_pins_fill_roles_only_when_each_pinned_person_gets_a_place() -> None:
    vols = {
        "a": volunteer(id="a", skills=frozenset({"shopping"})),
        "b": volunteer(id="b", skills=frozenset({"shopping"})),
        "c": volunteer(id="c", teams=("red",)),
    }
    one_place = task(needs=(SkillNeed("shopping", 1),))
    assert rules.pins_fill_roles(one_place, ["a"], vols, TEAMS)
    assert not rules.pins_fill_roles(one_place, ["a", "b"], vols, TEAMS)
    crew = task(needs=(SkillNeed("shopping", 1), TeamSkillNeed("lifting", 1, 2)))
    assert rules.pins_fill_roles(crew, ["a", "c"], vols, TEAMS)
    assert not rules.pins_fill_roles(crew, ["a", "b"], vols, TEAMS)


# --- the matching -------------------------------------------------------------------------------


def test_matching_moves_people_along_an_augmenting_path() -> None:
    # x can take either place, y only the first: x is moved so both are seated
    assert matching_size([["x", "y"], ["x"]]) == 2
    assert all_seated(["x", "y"], [["x", "y"], ["x"]])
    assert not all_seated(["x", "y"], [["x", "y"]])


def test_a_seated_person_stays_seated_when_an_augmenting_path_moves_them() -> None:
    match = Matching([["p", "q"], ["p"]])
    assert match.seat("p")  # the pinned person, in the first place they may take
    assert match.fill(1)  # only p can take place 1: p moves there, q refills place 0
    assert match.owner == {0: "q", 1: "p"}


def test_an_optional_place_gives_its_person_up_to_a_required_one_unfilled() -> None:
    match = Matching([["p"], ["p", "q"]], required=[False, True])
    assert match.seat("p")
    assert match.fill(1)
    assert match.owner == {1: "p"}  # p moved; the optional place is not filled again


def _brute_matching(places: list[list[str]]) -> int:
    people = sorted({p for ps in places for p in ps})
    for k in range(len(places), 0, -1):
        for chosen in itertools.combinations(range(len(places)), k):
            for who in itertools.permutations(people, k):
                if all(w in places[i] for i, w in zip(chosen, who, strict=True)):
                    return k
    return 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcd"), max_size=4, unique=True), max_size=4))
def test_matching_size_is_a_maximum_matching(places: list[list[str]]) -> None:
    assert matching_size(places) == _brute_matching(places)


# --- the travel formula -------------------------------------------------------------------------


def test_the_travel_formula_is_one_function_for_every_caller() -> None:
    there = Location(52.53, 13.41)
    model = HaversineTravel(Settings())
    speed = Settings().speeds_kmh["walk"]
    expected = minutes_for_km(haversine_km(HOME, there), Settings().detour_factor, speed)
    assert model.minutes("walk", HOME, there) == expected
    assert minutes(HOME, there, Settings().detour_factor, speed) == expected
    assert minutes_for_km(0.0, 1.3, 4.5) == 0


def test_reach_radians_rules_out_only_places_out_of_range() -> None:
    speed = Settings().speeds_kmh["walk"]
    limit = reach_radians(15, 1.3, speed)
    # due north just within 15 walking minutes: inside the latitude bound
    km = 15 / 60 * speed / 1.3 * 0.999
    near = Location(HOME.lat + math.degrees(km / EARTH_RADIUS_KM), HOME.lon)
    assert minutes(HOME, near, 1.3, speed) <= 15
    assert math.radians(near.lat - HOME.lat) <= limit
    # just past the bound (anywhere along that latitude): surely out of range
    far = Location(HOME.lat + math.degrees(limit * 1.001), HOME.lon + 0.05)
    assert minutes(HOME, far, 1.3, speed) > 15
