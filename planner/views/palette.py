"""The colours of every stakeholder and coordinator view, in one place: maps, timelines, dashboards, messages.

Engagement kinds have one colour everywhere (map markers, travel lines, legend, timeline bars). Fixed events are
drawn as a dashed outline in ``EVENT_COLOUR`` on maps and as bars in its muted tone ``EVENT_COLOUR_MUTED`` on
timelines (context, not the plan).
"""

from __future__ import annotations

KIND_COLOURS = {"review_visit": "#1f6fb2", "workshop": "#2a9d55", "meeting": "#e08a00"}
OTHER_KIND_COLOUR = "#555"  # a kind the palette does not know
EVENT_COLOUR = "#7b3fa0"
EVENT_COLOUR_MUTED = "#9b7bb4"
HOME_COLOUR = "#5c6770"
APPROACH_COLOURS = {"MRU": "#f2c14e", "CA": "#e76f51"}
OTHER_APPROACH_COLOUR = "#999"
PERSON_COLOURS = ("#1f6fb2", "#e08a00", "#2a9d55", "#c0392b", "#7b3fa0", "#16a0a8", "#8c564b", "#d6609a")
MESSAGE_COLOURS = {"info": "#1f6fb2", "ok": "#2a7a3b", "error": "#b03a2e", "warn": "#9a6700"}


def kind_colour(kind: str) -> str:
    """The colour of an engagement kind (``OTHER_KIND_COLOUR`` for a kind without one)."""
    return KIND_COLOURS.get(kind, OTHER_KIND_COLOUR)


def approach_colour(code: str) -> str:
    """The shading of a regional approach's countries (``OTHER_APPROACH_COLOUR`` for another approach)."""
    return APPROACH_COLOURS.get(code, OTHER_APPROACH_COLOUR)


def person_colour(index: int) -> str:
    """The colour of the ``index``-th person on an itinerary map (the palette repeats after eight)."""
    return PERSON_COLOURS[index % len(PERSON_COLOURS)]


__all__ = ["APPROACH_COLOURS", "EVENT_COLOUR", "EVENT_COLOUR_MUTED", "HOME_COLOUR", "KIND_COLOURS",
           "MESSAGE_COLOURS", "OTHER_APPROACH_COLOUR", "OTHER_KIND_COLOUR", "PERSON_COLOURS", "approach_colour",
           "kind_colour", "person_colour"]
