"""Writing a sweep's folder in one step: NAME.parquet and NAME.csv per table of ``SweepResult.tables``,
summary.html and sweep.json (``planner.io.atomic.replacing_folder``)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd

from planner.io.atomic import atomic_write_bytes, replacing_folder
from planner.sweeps.results import SweepResult
from planner.sweeps.summary import summary_html
from planner.views.escape import looks_like_formula


def _csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A text cell that a spreadsheet could run as a formula gets a leading apostrophe (the CSV files only;
    Parquet keeps the text as it is)."""
    def cell(value):
        return "'" + value if looks_like_formula(value) else value
    return table.apply(lambda column: column.map(cell) if _texts(column) else column)


def _texts(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def _parquet_bytes(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


def save_sweep(result: SweepResult, out: str | os.PathLike) -> Path:
    """Write the sweep folder as a whole (``planner.io.atomic.replacing_folder``): NAME.parquet and NAME.csv
    per table, summary.html, sweep.json. A reader, or a write stopped at any point, sees the old folder or the
    new one, never a part."""
    folder = Path(out)
    with replacing_folder(folder) as staging:
        for name, table in result.tables().items():
            atomic_write_bytes(staging / f"{name}.parquet", _parquet_bytes(table))
            atomic_write_bytes(staging / f"{name}.csv",
                               _csv_safe(table).to_csv(index=False, lineterminator="\n").encode("utf-8"))
        atomic_write_bytes(staging / "summary.html", summary_html(result).encode("utf-8"))
        atomic_write_bytes(staging / "sweep.json",
                           (json.dumps(result.meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode())
    return folder
