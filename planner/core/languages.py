"""Spoken languages by ISO 639-1 code, in words (English names from pycountry's ISO 639 data)."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry


@lru_cache(maxsize=512)
def language_name(code: str) -> str:
    """``"ru"`` → ``"Russian"``; an unknown code is returned as it is."""
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    if found is None:
        return code
    name = getattr(found, "common_name", None) or found.name
    return re.sub(r"\s*\((macrolanguage|individual language)\)$", "", name).split(";")[0]


def language_list(codes, conjunction: str = "or") -> str:
    """``("ru", "tt")`` → ``"Russian or Tatar"``: names in the given order, without repeats."""
    names = list(dict.fromkeys(language_name(c) for c in codes))
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"
