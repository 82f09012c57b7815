"""`bench/unseen.py` with the column plan's hint on (`solver.route_plan.HINT`) or off, in the
same process, for A/B in turn: `--hint on|off|normal` (normal: only the normal step hinted),
then unseen.py's own arguments. Not a test.

    .venv/bin/python bench/column_hint_ab.py --hint on --sizes subdistrict --first-seed 7004 \\
        --seeds 1 --time-limit 30
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import unseen  # noqa: E402

import solver.route_plan  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    at = args.index("--hint")
    solver.route_plan.HINT = args[at + 1] in ("on", "normal")
    if args[at + 1] == "normal":
        solver.route_plan.HINT_STEPS = ("normal",)
    sys.argv = [sys.argv[0], *args[:at], *args[at + 2 :]]
    print(f"column hint {args[at + 1]}", flush=True)
    sys.exit(unseen.main())
