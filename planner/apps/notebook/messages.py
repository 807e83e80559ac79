"""Errors and messages in plain words for the notebooks' panels.

User mistakes (``ScenarioError``, a rejected edit, a missing file …) become a sentence (``user_message``); only
unexpected errors (bugs) show a traceback. ``MessageArea`` is the place in a panel for them and ``guarded`` wraps
a widget callback so that no error is lost.
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Callable

import ipywidgets as w

from planner.apps import edits
from planner.core.problems import ScenarioError
from planner.views.palette import MESSAGE_COLOURS


def user_message(error: BaseException) -> str | None:
    """The plain-words message for a user mistake, or None for an unexpected error (a bug: show details)."""
    if isinstance(error, ScenarioError):
        lines = [f"• {p}" for p in error.problems[:20]]
        more = len(error.problems) - len(lines)
        if more > 0:
            lines.append(f"• … and {more} more")
        count = len(error.problems)
        return f"The scenario has {count} problem{'s' if count != 1 else ''}:\n" + "\n".join(lines)
    if isinstance(error, edits.EditRejected | edits.VariantExists | FileExistsError):
        return str(error)
    if isinstance(error, PermissionError):
        return f"Not allowed to write {error.filename or 'there'}; choose another folder."
    if isinstance(error, FileNotFoundError):
        return f"Not found: {error.filename or error}."
    if isinstance(error, ValueError | TimeoutError):
        return str(error)
    return None


def describe_error(error: BaseException) -> tuple[str, bool]:
    """``(text, unexpected)``: plain words for user mistakes; for bugs a short line plus the traceback."""
    message = user_message(error)
    if message is not None:
        return message, False
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return ("Something unexpected went wrong (a bug, not your mistake). Please report it with these "
            f"details:\n{details}"), True


def message_html(text: str, kind: str = "info") -> str:
    """A message in a coloured box (``kind``: info, ok, error or warn)."""
    icon = {"info": "ℹ", "ok": "✓", "error": "✗", "warn": "⚠"}[kind]
    body = html.escape(text).replace("\n", "<br>")
    return (f'<div class="kp-msg kp-msg-{kind}" style="border-left:4px solid {MESSAGE_COLOURS[kind]};padding:4px 8px;'
            f'margin:4px 0;color:#1d2b36;white-space:normal">{icon} {body}</div>')


class MessageArea:
    """A place in a panel for messages. Thread-safe: it only ever replaces the ``ipywidgets.HTML`` value, and
    keeps ``last`` and ``kind`` so that tests can read what a user would see."""

    def __init__(self):
        self.widget = w.HTML(layout=w.Layout(width="100%"))
        self.last = ""
        self.kind = ""

    def show(self, text: str, kind: str = "info") -> None:
        self.last, self.kind = text, kind
        if kind == "error" and "Traceback" in text:
            head, _, details = text.partition("\n")
            self.widget.value = (message_html(head, kind) + '<pre style="font-size:11px;white-space:pre-wrap">'
                                 + html.escape(details) + "</pre>")
        else:
            self.widget.value = message_html(text, kind)

    def error(self, error: BaseException) -> None:
        text, _unexpected = describe_error(error)
        self.show(text, "error")

    def clear(self) -> None:
        self.last, self.kind = "", ""
        self.widget.value = ""


def guarded(messages: MessageArea, func: Callable[..., object]) -> Callable[..., None]:
    """A widget callback that never loses an error: user mistakes appear in ``messages`` in plain words,
    unexpected errors with their traceback (and are logged on the kernel's stderr)."""

    def handler(*args, **kwargs) -> None:
        try:
            func(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - every error is shown to the user, none is swallowed
            messages.error(error)
            if user_message(error) is None:
                traceback.print_exc()

    handler.__name__ = getattr(func, "__name__", "handler")
    handler.__doc__ = func.__doc__
    return handler


__all__ = ["MessageArea", "describe_error", "guarded", "message_html", "user_message"]
