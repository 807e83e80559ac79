"""Voilà reads this file and voila.json from the directory it is started in (the repository root).

All settings live in voila.json. This file only makes the repository's offline template
(share/jupyter/voila/templates/kp-offline, named in voila.json) discoverable, by putting the repository's
share/jupyter first on JUPYTER_PATH before Voilà looks templates up. No other effect.
"""

import os
from pathlib import Path

_share = str(Path(__file__).resolve().parent / "share" / "jupyter")
if _share not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (_share, os.environ.get("JUPYTER_PATH", "")) if p)
