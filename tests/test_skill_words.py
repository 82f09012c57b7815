"""A skill typed as the pages show it (陪伴, 跑腿代办; "errands") is read as its id in the
forms and in imports: the roster and the week show skills by name, and a name typed back was
stored as a new skill no volunteer has, leaving the visit unserved."""

from __future__ import annotations

from api.pages.common import Form
from api.pages.roster_forms import entity_from
from api.pages.spreadsheet import read_table, rows_of
from api.pages.task_forms import task_from_form


def test_a_task_s_needs_typed_by_the_skills_names_are_their_ids() -> None:
    form = Form()
    needs = "陪伴 1\n跑腿代办\nerrands 2\nteam_skill 舞狮 6"
    data = {"title": "送药", "place": "site:s1", "duration_minutes": "30",
            "windows": "周一 09:00-12:00", "needs": needs}  # fmt: skip
    task = task_from_form(data, {}, "zh", form)
    assert not form.errors
    assert task["needs"] == [
        {"skill": "companionship", "count": 1}, {"skill": "errands", "count": 1},
        {"skill": "errands", "count": 2}, {"team_skill": "舞狮", "min_members": 6},
    ]  # fmt: skip


def test_a_volunteer_s_skills_typed_by_their_names_are_their_ids() -> None:
    form = Form()
    data = {"name": "唐阿姨", "lat": "34.78", "lon": "113.68", "skills": "陪伴、测血压，town_own"}
    person = entity_from("volunteers", data, {}, "zh", form)
    assert person["skills"] == ["companionship", "blood_pressure", "town_own"]


def test_a_name_two_skills_share_is_kept_as_typed() -> None:
    """护理 is both `nurse` and `nursing`: which one the area uses the form cannot tell."""
    form = Form()
    data = {"name": "唐阿姨", "lat": "34.78", "lon": "113.68", "skills": "护理"}
    assert entity_from("volunteers", data, {}, "zh", form)["skills"] == ["护理"]


def test_imported_skills_typed_by_their_names_are_their_ids() -> None:
    text = "姓名,住址纬度,住址经度,技能\n唐阿姨,34.78,113.68,陪伴；测血压\n"
    rows, problems = rows_of("volunteers", read_table(text.encode(), "zh"), {}, "zh")
    assert not problems
    assert rows[0].item["skills"] == ["companionship", "blood_pressure"]
