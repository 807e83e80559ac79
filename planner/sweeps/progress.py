"""Progress of a running sweep: a bar on the terminal (rich, on stderr) or in the notebook (ipywidgets). Both
are called with (cases done, cases in all, cases failed) each time a case finishes."""

from __future__ import annotations

import sys
from collections.abc import Callable

ProgressCallback = Callable[[int, int, int], None]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (a notebook, Voilà), where a widget shows and a terminal bar does not."""
    shell = sys.modules.get("IPython")
    ip = shell.get_ipython() if shell is not None else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


class TerminalProgress:
    """A rich progress bar on stderr; a context manager (the bar is removed cleanly on Ctrl-C too)."""

    def __init__(self, total: int, title: str = "Sweep"):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[failed]}"), TimeElapsedColumn(),
                                  console=Console(stderr=True), transient=False)
        self._task = self._progress.add_task(title, total=total, failed="")

    def __enter__(self) -> TerminalProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def __call__(self, done: int, total: int, failed: int) -> None:
        self._progress.update(self._task, completed=done, total=total,
                              failed=f"{failed} failed" if failed else "")


class NotebookProgress:
    """An ipywidgets bar with a line of text, displayed when entered."""

    def __init__(self, total: int, title: str = "Sweep"):
        import ipywidgets as widgets

        self.title = title
        self.bar = widgets.IntProgress(value=0, min=0, max=max(1, total), description=title)
        self.label = widgets.Label(value=f"0 of {total} cases")
        self.widget = widgets.HBox([self.bar, self.label])

    def __enter__(self) -> NotebookProgress:
        from IPython.display import display

        display(self.widget)
        return self

    def __exit__(self, *exc) -> None:
        if exc and exc[0] is not None:
            self.bar.bar_style = "danger"

    def __call__(self, done: int, total: int, failed: int) -> None:
        self.bar.max = max(1, total)
        self.bar.value = done
        self.label.value = f"{done} of {total} cases" + (f", {failed} failed" if failed else "")
        if done == total:
            self.bar.bar_style = "warning" if failed else "success"


def progress_bar(total: int, title: str = "Sweep"):
    """The bar that suits where this runs: a widget in a notebook, else rich on the terminal."""
    return NotebookProgress(total, title) if in_notebook() else TerminalProgress(total, title)
