"""The contract's limits: what a record file may hold at most (`x-essaim-limits` in common.json).

They bound everything that can grow from a small file (size, nesting, aliases, body length, logo
size, the years a date may name), so that reading and checking a file takes time in proportion
to its size. The schemas publish them; this module only reads them, so there is one source.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Final

LIMITS: Final[dict[str, int]] = {
    key: value
    for key, value in json.loads(
        resources.files(__package__).joinpath("schemas", "common.json").read_text(encoding="utf-8")
    )["x-essaim-limits"].items()
    if isinstance(value, int)
}
