"""The CP-SAT model's variables, by name and key. The decisions (whether, where, when, who, who leads) are all
created up front by ``ModelBuilder``; the rules and terms that need auxiliary variables (the travel buffer's
"separated", the chain credit's "chain") record them here too, so a solution can be read and hinted."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model


@dataclass
class Variables:
    scheduled: dict[str, cp_model.IntVar] = field(default_factory=dict)  # engagement -> happens
    host: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (engagement, host) -> there
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)  # engagement -> start day (from h0)
    assigned: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (engagement, person)
    lead: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (review visit, person) leads
    separated: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # one_place_at_a_time
    chain: dict[tuple[str, str, str, str, str], cp_model.IntVar] = field(default_factory=dict)  # chain credit
