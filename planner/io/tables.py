"""Reading and writing the CSV tables of a scenario or plan, with a problem for every bad cell.

Each table is described by a list of ``Column`` specs; a parser turns a cell's text into a typed value or
raises ``CellError`` with what was expected. Nothing here knows about other tables: cross-references are
checked in ``planner.rules.validation``.
"""

from __future__ import annotations

import csv
import io
import math
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from planner.core.problems import Problem


@dataclass(frozen=True)
class UnreadableFile(Problem):
    """A file that is there but cannot be read: a folder of that name, no read permission, a pipe or device.
    ``kp-plan`` exits with code 2 for these (the input could not be read), not 1 (problems found)."""


def any_unreadable(problems: list[Problem]) -> bool:
    return any(isinstance(p, UnreadableFile) for p in problems)


class CellError(ValueError):
    """A cell's text is not what its column expects; the message says what is expected."""


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = True  # the column must be present in the header
    optional_value: bool = False  # an empty cell is allowed (parsed as ``default``)
    default: Any = None


# --- cell parsers ------------------------------------------------------------------------


def text(value: str) -> str:
    if not value.strip():
        raise CellError("expected a non-empty text")
    return value.strip()


def identifier(value: str) -> str:
    value = value.strip()
    if not value:
        raise CellError("expected an id (letters, digits, '-', '_' or '.')")
    if any(ch.isspace() or ch in ";," for ch in value):
        raise CellError("expected an id without spaces, ';' or ','")
    return value


EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def iso_date(value: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise CellError("expected a date as YYYY-MM-DD") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise CellError(f"expected a date as YYYY-MM-DD between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return day


def integer(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise CellError("expected a whole number") from None
        if low is not None and number < low:
            raise CellError(f"expected a whole number of at least {low}")
        if high is not None and number > high:
            raise CellError(f"expected a whole number of at most {high}")
        return number

    return parse


def number(low: float, high: float, what: str) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            result = float(value.strip())
        except ValueError:
            raise CellError(f"expected {what} (a number from {low:g} to {high:g})") from None
        if not math.isfinite(result) or not low <= result <= high:
            raise CellError(f"expected {what} (a number from {low:g} to {high:g})")
        return result

    return parse


latitude = number(-90, 90, "a latitude")
longitude = number(-180, 180, "a longitude")


def token_list(value: str) -> tuple[str, ...]:
    """A ';'-separated list; order kept, blanks dropped."""
    items = tuple(item.strip() for item in value.split(";") if item.strip())
    for item in items:
        if any(ch.isspace() for ch in item):
            raise CellError("expected ';'-separated items without spaces inside an item")
    return items


def language_list(value: str) -> tuple[str, ...]:
    items = token_list(value)
    for item in items:
        if len(item) != 2 or not item.isalpha() or not item.islower():
            raise CellError("expected ISO 639-1 language codes such as 'en;fr'")
    return items


def choice(*options: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        if value not in options:
            raise CellError("expected one of " + ", ".join(repr(o) for o in options))
        return value

    return parse


def yes_no(value: str) -> bool:
    value = value.strip().lower()
    if value not in ("yes", "no"):
        raise CellError("expected yes or no (empty: no)")
    return value == "yes"


def organisation_list(*organisations: str) -> Callable[[str], tuple[str, ...]]:
    """A ';'-separated list of observer organisations, or ``none``."""
    expected = "expected " + ", ".join(";".join(organisations[:i + 1]) for i in range(len(organisations)))
    expected += ", " + ", ".join(organisations[1:]) + " or none (empty: the scenario's rule)"

    def parse(value: str) -> tuple[str, ...]:
        if value.strip().lower() == "none":
            return ()
        items = token_list(value)
        if not items or any(item not in organisations for item in items) or len(set(items)) != len(items):
            raise CellError(expected)
        return tuple(o for o in organisations if o in items)

    return parse


# --- formatting for writing --------------------------------------------------------------


def format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ";".join(format_cell(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # csv quotes a cell only for the chosen line terminator; a lone carriage return must be quoted too
    quote_all = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        cells = [format_cell(v) for v in row]
        (quote_all if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------


class TableRows(list):
    """Parsed rows, plus the key (first column's raw text) of every row dropped for a bad cell."""

    failed_keys: set[str]

    def __init__(self, rows=(), failed_keys=None):
        super().__init__(rows)
        self.failed_keys = set(failed_keys or ())


def _locate_byte(raw: bytes, offset: int) -> tuple[int, str | None]:
    """The spreadsheet row and column of the cell holding byte ``offset`` (quoted multi-line cells count once)."""
    before = raw[:offset].decode("utf-8-sig", errors="replace")
    try:
        records = list(csv.reader(io.StringIO(before, newline="")))
        header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig", errors="replace"), newline="")), [])
    except csv.Error:
        return before.count("\n") + 1, None
    if not records or before.endswith(("\n", "\r")):
        return len(records) + 1, header[0].strip() if header else None
    index = len(records[-1]) - 1
    return len(records), header[index].strip() if 0 <= index < len(header) else None


@dataclass
class TableRow:
    number: int  # spreadsheet row number (header = 1)
    values: dict[str, Any]
    extra: dict[str, str]


def read_file(path: Path, problems: list[Problem], missing: str | None) -> bytes | None:
    """The bytes of ``path``, or ``None`` with a problem appended: ``missing`` (what was expected) when there is
    no such file (nothing when ``missing`` is None: an optional file), an ``UnreadableFile`` when it cannot be
    read. Only regular files are opened: a pipe or a device in a file's place would block or never end."""
    name = path.name
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        if missing is not None:
            problems.append(Problem(name, f"the file is missing; {missing}"))
        return None
    except OSError as error:  # no permission to look into the folder, a symlink loop ...
        problems.append(UnreadableFile(name, f"the file could not be read ({error.strerror})"))
        return None
    if stat.S_ISDIR(mode):
        problems.append(UnreadableFile(name, "the file could not be read: this is a folder; expected a file"))
        return None
    if not stat.S_ISREG(mode):
        problems.append(UnreadableFile(name, "the file could not be read: this is not a regular file (a pipe, "
                                       "socket or device); expected a file"))
        return None
    try:
        return path.read_bytes()
    except OSError as error:
        problems.append(UnreadableFile(name, f"the file could not be read ({error.strerror})"))
        return None


def read_table(path: Path, columns: list[Column], problems: list[Problem],
               required_file: bool = True) -> TableRows | None:
    """Read one CSV file. Every problem is appended to ``problems``; rows with bad cells are dropped.

    Returns ``None`` when the file is missing, unreadable, empty or lacks a required column.
    """
    name = path.name
    expected = "expected a CSV file with columns " + ", ".join(c.name for c in columns if c.required)
    raw = read_file(path, problems, expected if required_file else None)
    if raw is None:
        return None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row, column = _locate_byte(raw, error.start)
        problems.append(Problem(name, "expected UTF-8 text (save the file as 'CSV UTF-8'); this cell holds the "
                                "first byte that is not UTF-8", row=row, column=column,
                                value=raw[error.start:error.start + 4].hex(" ")))
        return None
    if "\x00" in content:
        problems.append(Problem(name, "expected a text CSV file, found binary data (NUL bytes)"))
        return None
    if not content.strip():
        problems.append(Problem(name, "the file is empty; expected a header row with columns "
                                + ", ".join(c.name for c in columns if c.required)))
        return None
    try:
        records = list(csv.reader(io.StringIO(content, newline="")))
    except csv.Error as error:
        problems.append(Problem(name, f"the CSV could not be parsed ({error})"))
        return None
    header = [h.strip() for h in records[0]]
    missing = [c.name for c in columns if c.required and c.name not in header]
    for column in missing:
        problems.append(Problem(name, "this required column is missing from the header row", row=1,
                                column=column))
    duplicated = sorted({h for h in header if header.count(h) > 1 and h})
    for column in duplicated:
        problems.append(Problem(name, "this column appears more than once in the header row", row=1,
                                column=column))
    if missing or duplicated:
        return None
    known = {c.name for c in columns}
    rows = TableRows()
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are harmless
        if len(record) > len(header):
            problems.append(Problem(name, f"expected {len(header)} cells like the header, found "
                                    f"{len(record)} (a stray comma?)", row=index))
            continue
        cells = dict(zip(header, record + [""] * (len(header) - len(record)), strict=True))
        values: dict[str, Any] = {}
        ok = True
        for column in columns:
            cell = cells.get(column.name, "")
            if not cell.strip():
                if column.optional_value or not column.required:
                    values[column.name] = column.default
                    continue
                problems.append(Problem(name, "this cell is empty; a value is required", row=index,
                                        column=column.name, value=cell))
                ok = False
                continue
            try:
                values[column.name] = column.parse(cell)
            except CellError as error:
                problems.append(Problem(name, str(error), row=index, column=column.name, value=cell))
                ok = False
        if ok:
            extra = {k: v for k, v in cells.items() if k not in known and k}
            rows.append(TableRow(index, values, extra))
        else:
            rows.failed_keys.add(cells.get(columns[0].name, "").strip())
    return rows
