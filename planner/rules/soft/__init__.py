"""The soft terms, one module each. ``SOFT_TERMS`` lists them in ``order``; a new module here that defines
``TERM`` is picked up by the model's objective and by the evaluation (docs/model.md, "Add a soft term")."""

from __future__ import annotations

import importlib
import pkgutil

from planner.rules.base import SoftTerm
from planner.rules.names import TermName


def _discover() -> tuple[SoftTerm, ...]:
    terms = [importlib.import_module(f"{__name__}.{info.name}").TERM for info in pkgutil.iter_modules(__path__)]
    terms.sort(key=lambda t: t.order)
    return tuple(terms)


SOFT_TERMS: tuple[SoftTerm, ...] = _discover()
TERM_LABELS: dict[TermName, str] = {name: label for t in SOFT_TERMS for name, label in t.labels.items()}
