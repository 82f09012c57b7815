"""The command line a bench prints first, to reproduce its run."""

from __future__ import annotations

import os
import shlex
import sys


def said_command(script: str) -> str:
    """The command line that reproduces this run, at the niceness it really ran at (the
    header said `nice -n 10` whatever it was run with)."""
    niceness = os.nice(0)
    prefix = ["nice", "-n", str(niceness)] if niceness else []
    return "$ " + shlex.join([*prefix, ".venv/bin/python", script, *sys.argv[1:]])
