"""Great-circle distances, rounded once to whole kilometres so that every part of the package agrees."""

from __future__ import annotations

import math
from functools import lru_cache

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1 << 18)
def km_between(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Whole kilometres between two points (rounded once, so solver and checker agree)."""
    return int(round(great_circle_km(a[0], a[1], b[0], b[1])))
