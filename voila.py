"""Voilà reads this file and voila.json from the directory it is started in (the repository root).

All settings live in voila.json (the kernel cap and the busy page: planner.apps.serving, which `make dashboard`
runs). This file only makes the repository's offline template (share/jupyter/voila/templates/kp-offline, named
in voila.json) discoverable, by putting the repository's share/jupyter first on JUPYTER_PATH before Voilà looks
templates up. No other effect. Its name makes it shadow the voila package for a Python started in this folder
with the folder on sys.path (`python -m ...`): hence `python -P -m planner.apps.serving`.
"""

import os
from pathlib import Path

_share = str(Path(__file__).resolve().parent / "share" / "jupyter")
if _share not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (_share, os.environ.get("JUPYTER_PATH", "")) if p)
