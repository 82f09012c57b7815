"""The solver: a scenario in, a plan out (CP-SAT). Knows no HTTP or database.

Modules: `planner` (solve: analysis, greedy's floor, the parts, the assembled plan), `parts` (one
independent part), `analysis` (static analysis: candidates, start domains, reasons), `greedy`,
`cpsat` (the routing model), `coverage` (the model without routes), `stages` (the lexicographic
staged solve), `lns` (neighbourhood search), `reroute` and `route_search` (routes improved after
CP-SAT by local search), `relax` (the coverage bound after search), `repair`
(after a decline), `routes` (rule 4's arithmetic), `solution` (figures and the plan), `service`
(the services' Planner and Repairer).

Where each hard rule of the contract (../shared/SCENARIOS.md) is enforced. The per-person checks
are written once, in `mutualaid.domain.eligibility` (E below), with the one bipartite matching
in `mutualaid.domain.matching`; the validator (`mutualaid.validation`) checks every rule again
with its own code, on purpose.

1. Qualifies, vetted, gender, languages, not declined: E.fills / E.exclusion, applied by
   `analysis.Analyzer.analyse` (stages no_skill and excluded; only candidates get variables)
   and `Analyzer.can_serve` (E.can_fill: repair keeps a published crew). Distinct people,
   one role each, every role filled or none: `cpsat.PlanModel._roles`; greedy
   `greedy.assign_roles` (the matching). Loader: E.refusal and E.pins_fill_roles for pins.
2. Travel from home <= max_travel_minutes: E.reaches in `Analyzer.analyse` (out_of_range),
   minutes from `mutualaid.travel` (the formula's one place; `travel.reach_radians` prunes).
3. One start for the whole crew, inside a window or at the fixed start: the task's
   `start_ranges` (loader), `Analyzer._start_domain`, the domain of `PlanModel.start[t]`.
4. Routes from home and back inside one block: E.free (from home, per block) in
   `Analyzer.analyse` (no_time); `routes.Slot.window` / `routes.slots_of` for
   `PlanModel._place` and `PlanModel._route` (a circuit per volunteer and slot),
   `coverage.CoverageModel._route` (pairwise separation), `greedy._Schedules`
   (insertion between booked visits); `repair._consistent` drops kept crews that clash;
   `route_search.RouteSearch.schedule` (earliest starts along a rerouted route, which also
   keeps rule 3 and, with `RouteSearch._hours_ok`, rule 5; rules 1-2 by the analysed
   candidates of the role).
5. Weekly hours: E.within_hours / E.minutes_left in `Analyzer.analyse`, the cap in
   `PlanModel.__init__`, `greedy._Schedules.insertion_starts`, `repair._consistent`.
6. Pins as given: `PlanModel` (a literal per pin, `stages.conflicting_pins` names clashes),
   greedy seats pinned people first, `planner._pin_problems`; loader: E.refusal.

The public names stay here (`solve`, `SolveOptions`, `greedy`, `repair`, `solution_of`, ...).
"""

from __future__ import annotations

from solver.analysis import route_arcs as route_arcs
from solver.parts import MapParts as MapParts
from solver.parts import PartJob as PartJob
from solver.parts import PartResult as PartResult
from solver.parts import PartSolver as PartSolver
from solver.parts import solve_part as solve_part
from solver.planner import MAX_EXACT_ARCS as MAX_EXACT_ARCS
from solver.planner import Progress as Progress
from solver.planner import SolveOptions as SolveOptions
from solver.planner import allowed as allowed
from solver.planner import analyse as analyse
from solver.planner import components as components
from solver.planner import greedy as greedy
from solver.planner import solve as solve
from solver.repair import Repair as Repair
from solver.repair import changed_pairs as changed_pairs
from solver.repair import repair as repair
from solver.repair import solution_of as solution_of
from solver.stages import StopFn as StopFn
from solver.stages import Stopped as Stopped
