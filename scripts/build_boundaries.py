"""Build planner/assets/naturalearth_110m_countries.geojson from Natural Earth 1:110m countries.

Natural Earth is public domain (https://www.naturalearthdata.com/about/terms-of-use/). The 1:110m admin-0
countries come here from a package registry, not a web site: the geopandas 0.14.4 wheel on PyPI ships them as
``geopandas/datasets/naturalearth_lowres/naturalearth_lowres.{shp,dbf,shx}`` (its ``naturalearth_creation.py``
documents how they were made from ``ne_110m_admin_0_countries``). The shapefile is read with pyshp (pure
Python); neither geopandas nor pyshp is a runtime dependency of the planner.

Output: a compact GeoJSON FeatureCollection, coordinates rounded to 3 decimals (about 100 m), one feature per
country with properties ``iso2`` (ISO 3166-1 alpha-2, mapped from ISO alpha-3 with pycountry; empty when
Natural Earth has none), ``iso3`` and ``name``.

Usage (needs PyPI through pip; writes nothing outside planner/assets/)::

    .venv/bin/python scripts/build_boundaries.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

GEOPANDAS_PIN = "geopandas==0.14.4"
PYSHP_PIN = "pyshp==3.1.6"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "planner" / "assets" / "naturalearth_110m_countries.geojson"
# Natural Earth codes that are not ISO 3166-1 alpha-3, or names without a code (-99) in this release.
ISO3_FIXES = {"Kosovo": ("XKX", "XK"), "France": ("FRA", "FR"), "Norway": ("NOR", "NO"),
              "N. Cyprus": ("", ""), "Somaliland": ("", "")}


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args], check=True)


def _fetch(workdir: Path) -> Path:
    """Download the geopandas wheel and extract the three shapefile members; return the stem path."""
    _pip("download", "--no-deps", "--only-binary=:all:", "-d", str(workdir), GEOPANDAS_PIN)
    wheel = next(workdir.glob("geopandas-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        for ext in ("shp", "shx", "dbf", "cpg"):
            archive.extract(f"{MEMBER}.{ext}", workdir)
    return workdir / MEMBER


def _shapefile_module(workdir: Path):
    try:
        import shapefile  # noqa: PLC0415
    except ImportError:
        target = workdir / "pyshp"
        _pip("install", "--no-deps", "--target", str(target), PYSHP_PIN)
        sys.path.insert(0, str(target))
        import shapefile  # noqa: PLC0415
    return shapefile


def _round(coords, digits: int = 3):
    if isinstance(coords, (int, float)):
        return round(float(coords), digits)
    rounded = [_round(c, digits) for c in coords]
    if rounded and isinstance(rounded[0], list) and isinstance(rounded[0][0], float):
        # a ring: drop consecutive duplicates created by rounding, keep it closed
        ring = [rounded[0]] + [p for prev, p in zip(rounded, rounded[1:], strict=False) if p != prev]
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        return ring
    return rounded


def _iso2(iso3: str, name: str) -> tuple[str, str]:
    import pycountry  # noqa: PLC0415

    if name in ISO3_FIXES:
        return ISO3_FIXES[name]
    country = pycountry.countries.get(alpha_3=iso3) if iso3 and iso3 != "-99" else None
    return (iso3, country.alpha_2) if country else (iso3 if iso3 != "-99" else "", "")


def build(out: Path = OUT) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        stem = _fetch(workdir)
        shapefile = _shapefile_module(workdir)
        encoding = stem.with_suffix(".cpg").read_text().strip() or "utf-8"  # ISO-8859-1 in this release
        reader = shapefile.Reader(str(stem), encoding=encoding)
        fields = [f[0].lower() for f in reader.fields[1:]]
        features = []
        for shape_record in reader.iterShapeRecords():
            record = dict(zip(fields, shape_record.record, strict=True))
            iso3, iso2 = _iso2(str(record["iso_a3"]), str(record["name"]))
            geometry = shape_record.shape.__geo_interface__
            features.append({
                "type": "Feature",
                "properties": {"iso2": iso2, "iso3": iso3, "name": record["name"]},
                "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])},
            })
    features.sort(key=lambda f: (f["properties"]["iso2"] or "~", f["properties"]["name"]))
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via the geopandas 0.14.4 wheel",
        "features": features,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    return collection


if __name__ == "__main__":
    result = build()
    missing = [f["properties"]["name"] for f in result["features"] if not f["properties"]["iso2"]]
    print(f"wrote {OUT.relative_to(ROOT)}: {len(result['features'])} countries, "
          f"{OUT.stat().st_size / 1024:.0f} KiB; without an alpha-2 code: {', '.join(missing) or 'none'}")
