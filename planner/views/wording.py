"""Plain words for stakeholders about a plan and its scenario: how good the plan is (no solver words), whether
an engagement is confirmed or tentative, places without the planners' "(assumed)" remarks, and numbers in the
reader's locale (CLDR, through babel).

Pure functions; labels come from ``planner.views.i18n``. Whoever shows the words encodes them where they land
(``planner.views.escape``).
"""

from __future__ import annotations

import re

from babel.numbers import format_decimal, format_percent

from planner.core.model import Engagement, FixedEvent
from planner.views.i18n import check_lang, t

# What a scenario writes in an engagement's title or ``basis`` when it is not settled (docs/scenario-format.md).
_UNSETTLED = ("hypothe", "not confirmed", "unconfirmed", "invitation", "not published")
_ASSUMED = re.compile(r"\s*\((?:assumed|assumption)\)", re.IGNORECASE)


def plan_quality(meta: dict | None, lang: str = "en") -> str:
    """How good the saved plan is, in a sentence: proven best, within N % of the best possible plan, or only
    that every rule holds (the search stopped before it could say more)."""
    meta = meta or {}
    status = str(meta.get("status", "")).upper()
    if status == "OPTIMAL":
        return t("quality_best", lang)
    if status != "FEASIBLE":
        return t("quality_unknown", lang)
    gap = meta.get("gap")
    if isinstance(gap, int | float) and 0 < gap < 1:
        return t("quality_within", lang, percent=percent_text(gap, lang))
    if isinstance(gap, int | float) and gap == 0:
        return t("quality_best", lang)
    return t("quality_holds", lang)


def number_text(value: float, lang: str = "en", digits: int = 0) -> str:
    """A number with the locale's separators: '1,891' / '1 891'; ``digits`` decimals."""
    check_lang(lang)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang)


def percent_text(fraction: float, lang: str = "en") -> str:
    """'2.5%' / '2,5 %' (at least one significant decimal for small gaps)."""
    check_lang(lang)
    return format_percent(round(fraction, 3), locale=lang, decimal_quantization=False)


def settled(item: Engagement | FixedEvent) -> bool:
    """True when the scenario says the engagement (or fixed event) is confirmed: neither its title nor its
    ``basis`` calls it hypothetical, an invitation or not confirmed, and a basis, when given, says
    "confirmed". A scenario without a basis says nothing either way: its engagements count as settled."""
    basis = item.extra.get("basis", "").strip().lower()
    text = f"{item.title.lower()} {basis}"
    if any(marker in text for marker in _UNSETTLED):
        return False
    return not basis or "confirmed" in basis


def place_parts(place: str) -> tuple[str, bool]:
    """A place without the planners' "(assumed)" remark, and whether it was there:
    'Pretoria (assumed)' → ('Pretoria', True)."""
    cleaned = _ASSUMED.sub("", place).strip()
    return cleaned, cleaned != place.strip()


def place_label(place: str, lang: str = "en") -> str:
    """A place as a page shows it, the remark said once and in the page's language: 'Pretoria (supposé)'."""
    cleaned, assumed = place_parts(place)
    return f"{cleaned} ({t('assumed', lang)})" if assumed else cleaned
