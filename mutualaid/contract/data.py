"""The contract's plain data as Python holds it once read: a JSON object (`Json`). The
formats' own modules and the edges (api, the CLI) speak it; the services' ports do not."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
