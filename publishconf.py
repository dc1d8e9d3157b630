"""Production settings: the territory's base_url, a clean output folder, no cache."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from essaim.settings import pelican_settings  # noqa: E402

globals().update(pelican_settings(ROOT, production=True))
