"""Plain words for stakeholders about a plan and its scenario: how good the plan is (no solver words), whether
an engagement is confirmed or tentative, places without the planners' "(assumed)" remarks, and numbers in the
reader's locale (CLDR, through babel).

Pure functions; labels come from ``planner.views.i18n``. Whoever shows the words encodes them where they land
(``planner.views.escape``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.numbers import format_decimal, format_percent

from planner.core.model import Engagement, FixedEvent, Scenario, StartingPlan
from planner.views.i18n import check_lang, date_range_label, participant_name, t

# What a scenario writes in an engagement's title or ``basis`` when it is not settled (docs/scenario-format.md).
_UNSETTLED = ("hypothe", "not confirmed", "unconfirmed", "invitation", "not published")
_ASSUMED = re.compile(r"\s*\((?:assumed|assumption)\)", re.IGNORECASE)


def scenario_title(scenario: Scenario, lang: str = "en") -> str:
    """The scenario as a page's subtitle names it: its name in English; in another language, its period
    (a scenario's name is English free text, "KP 2018, second half"): 'Plan du 1 juillet – 31 décembre 2018'."""
    if check_lang(lang) == "en":
        return scenario.name
    return t("scenario_period", lang, period=date_range_label(scenario.horizon_start, scenario.horizon_end, lang))


_KEPT_START_LABELS = {StartingPlan.GREEDY.value: "quality_kept_greedy",  # a solve's kept starting plan
                      StartingPlan.PUBLISHED.value: "quality_kept_published"}


def plan_quality(meta: dict | None, lang: str = "en") -> str:
    """How good the saved plan is, in a sentence: proven best, within N % of the best possible plan, or only
    that every rule holds (the search stopped before it could say more); and, when the solve found nothing
    better than the plan it started from, which plan that is."""
    meta = meta or {}
    status = str(meta.get("status", "")).upper()
    if status == "OPTIMAL":
        return t("quality_best", lang)
    if status != "FEASIBLE":
        return t("quality_unknown", lang)
    gap = meta.get("gap")
    if isinstance(gap, int | float) and 0 < gap < 1:
        quality = t("quality_within", lang, percent=percent_text(gap, lang))
    elif isinstance(gap, int | float) and gap == 0:
        return t("quality_best", lang)
    else:
        quality = t("quality_holds", lang)
    kept = meta.get("kept_start")
    source = kept.get("source") if isinstance(kept, dict) else None
    label = _KEPT_START_LABELS.get(source) if isinstance(source, str) else None  # plan.json is anyone's to edit
    return quality if label is None else f"{quality} {t(label, lang)}"


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


def place_label(place: str, lang: str = "en", translated: str = "") -> str:
    """A place as a page shows it, in the page's language (:func:`place_in`), the remark said once and in
    the page's language: 'Pretoria (supposé)'."""
    cleaned, assumed = place_parts(place)
    cleaned = place_in(cleaned, lang, place_parts(translated)[0])
    return f"{cleaned} ({t('assumed', lang)})" if assumed else cleaned


# --- French names of places and titles -------------------------------------------------------------------


@lru_cache(maxsize=4)
def _place_names(lang: str) -> dict[str, str]:
    """English place names → names in ``lang``, from CLDR (babel): the territories (countries) and the
    exemplar cities of the time zones ("Moscow" → "Moscou"). A name CLDR does not know is kept."""
    english, local = Locale("en"), Locale(lang)
    names = {english.territories[code]: name for code, name in local.territories.items()
             if code in english.territories and not code.isdigit()}
    for zone in get_global("zone_territories"):
        city_en = english.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        city = local.time_zones.get(zone, {}).get("city")
        if city and city != city_en:
            names.setdefault(city_en, city)
    return names


def place_in(place: str, lang: str = "en", translated: str = "") -> str:
    """A place in the page's language: ``translated`` (a ``place_fr`` column) when given, else each
    comma-separated part named by CLDR ("Moscow, Arkhangelsk, Vladivostok" → "Moscou, Arkhangelsk,
    Vladivostok"; "Livingstone, Zambia" → "Livingstone, Zambie"). English places are shown as written."""
    check_lang(lang)
    if lang == "en" or not place:
        return place
    if translated.strip():
        return translated.strip()
    names = _place_names(lang)
    return ", ".join(names.get(part.strip(), part.strip()) for part in place.split(","))


def title_in(item: Engagement | FixedEvent, lang: str = "en") -> str:
    """An engagement's or fixed event's title in ``lang``: the scenario's ``title_<lang>`` column when it
    has one, else the title as the scenario spells it."""
    check_lang(lang)
    if lang == "en":
        return item.title
    return item.extra.get(f"title_{lang}", "").strip() or item.title


def title_of(scenario: Scenario, lang: str, engagement_id: str = "", event_id: str = "", fallback: str = "") -> str:
    """The title (:func:`title_in`) of the scenario's engagement or fixed event with that id; ``fallback``
    when the scenario has neither."""
    item = scenario.engagements_by_id.get(engagement_id) if engagement_id else None
    if item is None and event_id:
        item = next((v for v in scenario.events if v.id == event_id), None)
    return fallback if item is None else title_in(item, lang)


def place_of_item(scenario: Scenario, lang: str, engagement_id: str = "", event_id: str = "") -> str:
    """The ``place_<lang>`` column of the engagement or fixed event with that id ("" when none)."""
    item = scenario.engagements_by_id.get(engagement_id) if engagement_id else None
    if item is None and event_id:
        item = next((v for v in scenario.events if v.id == event_id), None)
    return "" if item is None or lang == "en" else item.extra.get(f"place_{lang}", "")


def participant_place(scenario: Scenario, host: str, place: str, lang: str = "en",
                      translated: str = "") -> str:
    """'Luanda, Angola' / 'Luanda, Angola'; the country alone when the place is just its name (never
    'Angola (Angola)'); an assumed place says so once, in the page's language."""
    country = participant_name(scenario, host, lang)
    english = scenario.participants_by_code[host].name if host in scenario.participants_by_code else host
    cleaned, assumed = place_parts(place)
    cleaned = place_in(cleaned, lang, place_parts(translated)[0])
    if cleaned.lower() in ("", english.lower(), country.lower()):
        text = country
    elif english.lower() in cleaned.lower() or country.lower() in cleaned.lower():
        text = cleaned  # "Luanda, Angola" already names the country
    else:
        text = f"{cleaned}, {country}"
    return f"{text} ({t('assumed', lang)})" if assumed else text
