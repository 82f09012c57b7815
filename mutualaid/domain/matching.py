"""The one bipartite matching of people to places (the places of a task's roles), by augmenting
paths. Static analysis asks how many places distinct people can take, the greedy planner builds
crews with it, and the loader asks whether pinned people can each take a place.
"""

from __future__ import annotations

from collections.abc import Sequence


class Matching:
    """People to places. Each place lists the people who may take it, in the order they are
    tried. A `required` place must be filled; an optional one (False) only holds someone who
    was seated there, and gives them up to a required place without being filled again.

    Augmenting paths move people between places but never unseat them: whoever is seated
    stays seated, which is what keeps pinned people in a crew.
    """

    def __init__(
        self, places: Sequence[Sequence[str]], required: Sequence[bool] | None = None
    ) -> None:
        self.places = places
        self.required = required if required is not None else [True] * len(places)
        self.owner: dict[int, str] = {}
        """Place -> who holds it."""
        self.place: dict[str, int] = {}
        """Person -> the place they hold."""

    def _take(self, person: str, place: int) -> None:
        old = self.place.get(person)
        if old is not None and self.owner.get(old) == person:
            del self.owner[old]
        self.owner[place], self.place[person] = person, place

    def fill(self, place: int, seen: set[str] | None = None) -> bool:
        """Fill `place` with one of its people, moving others along an augmenting path;
        whether it could be filled."""
        seen = set() if seen is None else seen
        for person in self.places[place]:
            if person in seen:
                continue
            seen.add(person)
            old = self.place.get(person)
            if old is None or not self.required[old] or self.fill(old, seen):
                self._take(person, place)
                return True
        return False

    def seat(self, person: str, seen: set[int] | None = None) -> bool:
        """Give `person` a place (the first one they may take, in order), moving whoever holds
        it along an augmenting path; whether they could be seated."""
        seen = set() if seen is None else seen
        for place, people in enumerate(self.places):
            if place in seen or person not in people:
                continue
            seen.add(place)
            if place not in self.owner or self.seat(self.owner[place], seen):
                self._take(person, place)
                return True
        return False


def matching_size(places: Sequence[Sequence[str] | frozenset[str]]) -> int:
    """How many of the places distinct people can take at once (a maximum matching)."""
    match = Matching([list(p) for p in places])
    # the scarcest places first find their people sooner
    order = sorted(range(len(places)), key=lambda i: len(places[i]))
    return sum(match.fill(i) for i in order)


def all_seated(people: Sequence[str], places: Sequence[Sequence[str]]) -> bool:
    """Whether every one of `people` can take a distinct place of `places`."""
    match = Matching(places)
    return all(match.seat(p) for p in people)
