"""English and French labels for the stakeholder dashboards, maps and timelines (the KP works in both).

Every text a stakeholder sees goes through :func:`t` with a key of :data:`LABELS`. Data (engagement titles,
places, reviewer ids) is shown as the scenario spells it; participant names are translated with the ISO 3166
French names that pycountry ships. To add a label: add the key to both ``LABELS["en"]`` and ``LABELS["fr"]``
(``tests/test_maps_timeline.py`` checks that both languages have the same keys and placeholders).

Labels are plain text, and :func:`t` fills their placeholders with data as it is: whatever puts a label into
HTML, a script, a figure or a file encodes it there (``planner.views.escape``), as it does the data itself.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

# The languages of the user interface (not the languages people speak: those are in planner.core).
UI_LANGUAGES = ("en", "fr")
UI_LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        # page
        "plan_title": "Kimberley Process review plan",
        "page_loading": "Preparing the plan…",
        "page_title_itinerary": "{itineraries} — {plan}",
        "timeline_picture_alt": "Timeline of the engagements (a picture: point at it or tap it to show the "
                                "interactive chart; the table lists the same engagements)",
        "plan_subtitle": "{scenario} — read-only view of the saved plan. {quality}",
        "quality_best": "Plan checked: every rule holds — proven best.",
        "quality_within": "Plan checked: every rule holds — within {percent} of the best possible plan.",
        "quality_holds": "Plan checked: every rule holds.",
        "quality_unknown": "This plan has not been checked yet.",
        "quality_kept_greedy": "It is a first plan made by simple rules: the planner found nothing better in "
                               "the time it had.",
        "quality_kept_published": "It is the published plan: the planner found nothing better in the time it had.",
        "link_plan": "The whole plan",
        "link_itinerary": "Itineraries of people and organisations",
        "assumed": "assumed",
        "place_assumed": "The place is an assumption of the planners.",
        "tentative": "tentative",
        "scenario_period": "Plan for {period}",
        # calendars (planner.exports.ics)
        "ics_kind_priority": "{kind} · priority {priority}",
        "ics_when": "When: {dates}",
        "ics_where": "Where: {place} (latitude {lat}, longitude {lon})",
        "ics_sites": "Sites in order: {sites}",
        "days_word": "days",
        "ics_tentative": "Tentative: not confirmed yet{basis}.",
        "ics_lead": "Lead: {who}",
        "ics_team": "Team ({count}): {members}",
        "ics_nobody": "nobody assigned",
        "ics_lead_mark": "lead",
        "ics_your_role": "Your role: {role}",
        "ics_scenario": "Plan of scenario: {scenario}",
        "ics_fixed": "Fixed event ({kind}); its dates are not planned by kp-plan",
        "ics_name": "KP plan – {who}",
        "ics_person_description": "Engagements of {who} in {scenario}",
        "ics_plan_description": "Every engagement of {scenario}",
        "ics_org_description": "Engagements and fixed events of the people of {who} in {scenario}",
        "ics_org_people": "{who}: {people}",
        "ics_org_left": "no one of {who} is on this engagement's team any more.",
        "calendar_org_download": "Download the calendar of everyone of {who} (.ics)",
        "priority_required": "required", "priority_high": "high", "priority_normal": "normal",
        "priority_low": "low",
        "itinerary_title": "Itineraries",
        "itinerary_subtitle": "{scenario} — one person's or one organisation's engagements, in order",
        "read_only_note": "This page shows a saved plan. It cannot change the plan.",
        "no_plan": "No saved plan was found at {path}. Ask a coordinator to run “make plan”.",
        "plan_mismatch": "This plan was made for another version of the scenario; some details may be "
                         "out of date.",
        "language": "Language",
        # headline figures
        "kpi_engagements": "Engagements scheduled",
        "kpi_unscheduled": "not scheduled",
        "kpi_countries": "Countries visited",
        "kpi_people": "People involved",
        "kpi_km": "Travel (km)",
        "kpi_co2": "Estimated CO2 (t)",
        "kpi_cost": "Estimated cost, {currency} (assumed)",
        "kpi_co2_note": "CO2 is an estimate at {factor} kg per km (an assumption).",
        "kpi_filtered": "Figures for the engagements that match the filters.",
        # filters
        "filters": "Filters",
        "filter_region": "Region",
        "filter_kind": "Kind",
        "filter_organisation": "Organisation",
        "filter_month": "Month",
        "all": "All",
        "matching": "{shown} of {total} engagements match the filters.",
        "no_match": "No engagement matches the filters.",
        # map
        "map": "Map",
        "layer_countries": "Countries (Natural Earth)",
        "layer_approaches": "Regional approaches",
        "layer_sites": "Engagement sites",
        "layer_travel": "Team travel from home bases",
        "layer_homes": "Home bases",
        "layer_events": "Fixed events",
        "layer_trips": "Trips",
        "legend": "Legend",
        "site_tooltip": "{place}: {count} engagement(s)",
        "travel_tooltip": "{person}: {home} → {site} ({km} km)",
        "home_tooltip": "Home base of {people}",
        "offline_note": "Offline map: country shapes from Natural Earth (public domain), no map tiles.",
        # timeline
        "timeline": "Timeline",
        "timeline_by": "Show by",
        "by_engagement": "Engagement",
        "by_reviewer": "Reviewer",
        "by_organisation": "Organisation",
        "axis_date": "Date",
        "fixed_event": "Fixed event",
        "resilience": "Resilience: if one person drops out",
        # table
        "engagements": "Engagements",
        "col_dates": "Dates",
        "col_engagement": "Engagement",
        "col_kind": "Kind",
        "col_host": "Host",
        "col_place": "Place",
        "col_lead": "Lead",
        "col_team": "Team",
        "col_role": "Role",
        "col_km": "Distance from home (km)",
        "unscheduled_title": "Not scheduled",
        "col_reason": "Why",
        # kinds, roles, approaches
        "kind_review_visit": "Review visit",
        "kind_workshop": "Workshop",
        "kind_meeting": "Meeting",
        "kind_conference": "Conference",
        "kind_plenary": "Plenary",
        "role_lead": "Lead",
        "role_member": "Member",
        "role_attendee": "Attendee",
        "role_event": "Attends",
        "approach_MRU": "Mano River Union",
        "approach_CA": "Central Africa",
        "org_WDC": "World Diamond Council (industry)",
        "org_CSC": "Civil Society Coalition",
        # regions
        "region_Africa": "Africa",
        "region_Asia": "Asia",
        "region_Europe": "Europe",
        "region_Americas": "Americas",
        "region_Oceania": "Oceania",
        "region_Middle East": "Middle East",
        # itinerary
        "choose": "Show",
        "choose_person": "A person",
        "choose_organisation": "An organisation",
        "person": "Person",
        "organisation": "Organisation",
        "itinerary_of": "Itinerary of {who}",
        "nothing_planned": "Nothing is planned for {who}.",
        "calendar": "Calendar",
        "calendar_download": "Download the calendar of {who} (.ics)",
        "calendar_not_available": "Calendar download: not available yet.",
        "calendar_org_note": "Calendars are per person: choose a person to download one.",
        "download_plan_ics": "Whole plan (.ics)",
        "download_xlsx": "Excel workbook (.xlsx)",
        "download_report": "Report (.html)",
        # months
        "month_1": "January", "month_2": "February", "month_3": "March", "month_4": "April",
        "month_5": "May", "month_6": "June", "month_7": "July", "month_8": "August",
        "month_9": "September", "month_10": "October", "month_11": "November", "month_12": "December",
        "error": "Something went wrong while updating this view.",
    },
    "fr": {
        "plan_title": "Plan des examens du Processus de Kimberley",
        "page_loading": "Préparation du plan…",
        "page_title_itinerary": "{itineraries} — {plan}",
        "timeline_picture_alt": "Calendrier des engagements (une image : pointez-la ou touchez-la pour afficher "
                                "le graphique interactif ; le tableau reprend les mêmes engagements)",
        "plan_subtitle": "{scenario} — consultation du plan enregistré. {quality}",
        "quality_best": "Plan vérifié : toutes les règles sont respectées — le meilleur possible, c’est prouvé.",
        "quality_within": "Plan vérifié : toutes les règles sont respectées — à moins de {percent} du meilleur "
                          "plan possible.",
        "quality_holds": "Plan vérifié : toutes les règles sont respectées.",
        "quality_unknown": "Ce plan n’a pas encore été vérifié.",
        "quality_kept_greedy": "C’est un premier plan établi par des règles simples : le planificateur n’a rien "
                               "trouvé de mieux dans le temps imparti.",
        "quality_kept_published": "C’est le plan publié : le planificateur n’a rien trouvé de mieux dans le temps "
                                  "imparti.",
        "link_plan": "Le plan complet",
        "link_itinerary": "Itinéraires des personnes et des organisations",
        "assumed": "supposé",
        "place_assumed": "Le lieu est une hypothèse des planificateurs.",
        "tentative": "provisoire",
        "scenario_period": "Plan du {period}",
        "ics_kind_priority": "{kind} · priorité {priority}",
        "ics_when": "Quand : {dates}",
        "ics_where": "Où : {place} (latitude {lat}, longitude {lon})",
        "ics_sites": "Sites dans l’ordre : {sites}",
        "days_word": "jours",
        "ics_tentative": "Provisoire : pas encore confirmé{basis}.",
        "ics_lead": "Chef d’équipe : {who}",
        "ics_team": "Équipe ({count}) : {members}",
        "ics_nobody": "personne pour l’instant",
        "ics_lead_mark": "chef d’équipe",
        "ics_your_role": "Votre rôle : {role}",
        "ics_scenario": "Plan du scénario : {scenario}",
        "ics_fixed": "Événement fixe ({kind}) ; ses dates ne sont pas planifiées par kp-plan",
        "ics_name": "Plan PK – {who}",
        "ics_person_description": "Engagements de {who} dans {scenario}",
        "ics_plan_description": "Tous les engagements de {scenario}",
        "ics_org_description": "Engagements et événements fixes des personnes de {who} dans {scenario}",
        "ics_org_people": "{who} : {people}",
        "ics_org_left": "plus personne de {who} n’est dans l’équipe de cet engagement.",
        "calendar_org_download": "Télécharger l’agenda de toutes les personnes de {who} (.ics)",
        "priority_required": "obligatoire", "priority_high": "haute", "priority_normal": "normale",
        "priority_low": "basse",
        "itinerary_title": "Itinéraires",
        "itinerary_subtitle": "{scenario} — les engagements d’une personne ou d’une organisation, "
                              "dans l’ordre",
        "read_only_note": "Cette page présente un plan enregistré. Elle ne peut pas le modifier.",
        "no_plan": "Aucun plan enregistré n’a été trouvé dans {path}. Demandez à un coordinateur de lancer "
                   "« make plan ».",
        "plan_mismatch": "Ce plan a été établi pour une autre version du scénario ; certains détails peuvent "
                         "être dépassés.",
        "language": "Langue",
        "kpi_engagements": "Engagements programmés",
        "kpi_unscheduled": "non programmés",
        "kpi_countries": "Pays visités",
        "kpi_people": "Personnes mobilisées",
        "kpi_km": "Déplacements (km)",
        "kpi_co2": "CO2 estimé (t)",
        "kpi_cost": "Coût estimé, {currency} (hypothèse)",
        "kpi_co2_note": "Le CO2 est estimé à {factor} kg par km (hypothèse).",
        "kpi_filtered": "Chiffres des engagements qui correspondent aux filtres.",
        "filters": "Filtres",
        "filter_region": "Région",
        "filter_kind": "Type",
        "filter_organisation": "Organisation",
        "filter_month": "Mois",
        "all": "Tous",
        "matching": "{shown} engagements sur {total} correspondent aux filtres.",
        "no_match": "Aucun engagement ne correspond aux filtres.",
        "map": "Carte",
        "layer_countries": "Pays (Natural Earth)",
        "layer_approaches": "Approches régionales",
        "layer_sites": "Lieux des engagements",
        "layer_travel": "Déplacements des équipes depuis leur base",
        "layer_homes": "Bases",
        "layer_events": "Événements fixes",
        "layer_trips": "Déplacements",
        "legend": "Légende",
        "site_tooltip": "{place} : {count} engagement(s)",
        "travel_tooltip": "{person} : {home} → {site} ({km} km)",
        "home_tooltip": "Base de {people}",
        "offline_note": "Carte hors ligne : contours des pays de Natural Earth (domaine public), "
                        "sans tuiles.",
        "timeline": "Calendrier",
        "timeline_by": "Afficher par",
        "by_engagement": "Engagement",
        "by_reviewer": "Examinateur",
        "by_organisation": "Organisation",
        "axis_date": "Date",
        "fixed_event": "Événement fixe",
        "resilience": "Résilience : si une personne se désiste (détails en anglais)",
        "engagements": "Engagements",
        "col_dates": "Dates",
        "col_engagement": "Engagement",
        "col_kind": "Type",
        "col_host": "Hôte",
        "col_place": "Lieu",
        "col_lead": "Chef d’équipe",
        "col_team": "Équipe",
        "col_role": "Rôle",
        "col_km": "Distance depuis la base (km)",
        "unscheduled_title": "Non programmés",
        "col_reason": "Motif",
        "kind_review_visit": "Visite d’examen",
        "kind_workshop": "Atelier",
        "kind_meeting": "Réunion",
        "kind_conference": "Conférence",
        "kind_plenary": "Plénière",
        "role_lead": "Chef d’équipe",
        "role_member": "Membre",
        "role_attendee": "Participant",
        "role_event": "Participe",
        "approach_MRU": "Union du fleuve Mano",
        "approach_CA": "Afrique centrale",
        "org_WDC": "Conseil mondial du diamant (industrie)",
        "org_CSC": "Coalition de la société civile",
        "region_Africa": "Afrique",
        "region_Asia": "Asie",
        "region_Europe": "Europe",
        "region_Americas": "Amériques",
        "region_Oceania": "Océanie",
        "region_Middle East": "Moyen-Orient",
        "choose": "Afficher",
        "choose_person": "Une personne",
        "choose_organisation": "Une organisation",
        "person": "Personne",
        "organisation": "Organisation",
        "itinerary_of": "Itinéraire de {who}",
        "nothing_planned": "Rien n’est prévu pour {who}.",
        "calendar": "Agenda",
        "calendar_download": "Télécharger l’agenda de {who} (.ics)",
        "calendar_not_available": "Téléchargement de l’agenda : pas encore disponible.",
        "calendar_org_note": "Les agendas sont individuels : choisissez une personne pour en télécharger un.",
        "download_plan_ics": "Tout le plan (.ics)",
        "download_xlsx": "Classeur Excel (.xlsx)",
        "download_report": "Rapport (.html)",
        "month_1": "janvier", "month_2": "février", "month_3": "mars", "month_4": "avril",
        "month_5": "mai", "month_6": "juin", "month_7": "juillet", "month_8": "août",
        "month_9": "septembre", "month_10": "octobre", "month_11": "novembre", "month_12": "décembre",
        "error": "Une erreur s’est produite lors de la mise à jour de cette vue.",
    },
}


#: The headings of the workbook and the report (planner.exports.xlsx, planner.exports.html) in French: their
#: sheet names, column headers, summary items, section titles and the words of their status columns. The
#: English heading is the key (it names the data frame's column); :func:`heading` looks it up.
HEADINGS_FR: dict[str, str] = {
    # sheets
    "Summary": "Résumé", "Engagements": "Engagements", "Teams": "Équipes", "People": "Personnes",
    "Soft terms": "Critères de qualité", "Unscheduled": "Non programmés",
    # summary
    "Item": "Élément", "Value": "Valeur", "Scenario": "Scénario", "Horizon": "Période",
    "Plan quality": "Qualité du plan", "Total penalty (lower is better)": "Pénalité totale (le plus bas est le mieux)",
    "Plan created (UTC)": "Plan créé (UTC)", "not recorded (reproducible plan)": "non enregistré (plan reproductible)",
    "Engagements scheduled": "Engagements programmés", "Engagements left out": "Engagements non programmés",
    "Countries visited": "Pays visités", "People involved": "Personnes mobilisées",
    "Kilometres travelled (after chaining)": "Kilomètres parcourus (après enchaînement des voyages)",
    "CO2 estimate, tonnes (at {factor} kg per km, an assumption)":
        "CO2 estimé, en tonnes (à {factor} kg par km, hypothèse)",
    "CO2 estimate, tonnes (assumption)": "CO2 estimé, en tonnes (hypothèse)",
    "Largest workload (engagements per person)": "Charge la plus lourde (engagements par personne)",
    "Estimated cost in {currency} (assumed fares and allowances)":
        "Coût estimé en {currency} (billets et indemnités supposés)",
    "Costs": "Coûts estimés", "Payer": "Payeur", "Fares": "Billets", "Allowances": "Indemnités",
    "Total": "Total",
    "Estimated costs (assumptions)": "Coûts estimés (hypothèses)",
    "Each government pays for its own people; observers' funders as the scenario says. Fares by distance "
    "and a daily allowance are assumed figures, not KP rates.":
        "Chaque gouvernement paie pour ses représentants ; les observateurs sont financés comme le scénario "
        "l’indique. Les billets selon la distance et l’indemnité journalière sont des montants supposés, pas "
        "des tarifs du PK.",
    # columns
    "ID": "Identifiant", "Title": "Titre", "Kind": "Type", "Priority": "Priorité", "Status": "Statut",
    "Start": "Début", "End": "Fin", "Days": "Jours", "Host": "Hôte", "Host country": "Pays hôte",
    "Place": "Lieu", "Latitude": "Latitude", "Longitude": "Longitude", "Lead": "Chef d’équipe",
    "Team size": "Taille de l’équipe", "Team": "Équipe", "Published start": "Début publié",
    "Days moved": "Jours de décalage", "Reason": "Motif", "Engagement ID": "Identifiant de l’engagement",
    "Engagement": "Engagement", "Reviewer": "Examinateur", "Organisation": "Organisation", "Role": "Rôle",
    "Languages": "Langues", "Groups": "Groupes", "Most engagements": "Engagements au plus",
    "Days away": "Jours en déplacement", "Kilometres (round trips)": "Kilomètres (allers-retours)",
    "Lead of": "Chef d’équipe de", "Term": "Critère", "Description": "Description", "Weight": "Poids",
    "Penalty": "Pénalité", "Details": "Détails", "Earliest start": "Début au plus tôt",
    "Latest end": "Fin au plus tard", "Duration (days)": "Durée (jours)", "What": "Quoi",
    "Km from home": "Km depuis le domicile", "Free days until next": "Jours libres avant le suivant",
    # words in cells
    "scheduled": "programmé", "unscheduled": "non programmé", "not in plan": "absent du plan",
    "no reason recorded": "aucun motif enregistré", "the plan does not mention it": "absent du plan",
    "total": "total", "attendee": "participant", "lead": "chef d’équipe", "member": "membre",
    # the report
    "Kimberley Process review plan": "Plan des examens du Processus de Kimberley",
    "Map": "Carte", "Timeline": "Calendrier", "Not scheduled": "Non programmés",
    "Itineraries": "Itinéraires", "By engagement": "Par engagement", "By person": "Par personne",
    "Map of the plan": "Carte du plan", "Scheduled engagements": "Engagements programmés",
    "Why the plan is scored as it is (soft terms)": "Pourquoi le plan a cette note (critères de qualité)",
    "Each term's value × weight = penalty; the plan keeps the total as low as the rules allow.":
        "Pour chaque critère, valeur × poids = pénalité ; le plan garde le total aussi bas que les règles "
        "le permettent.",
    "Every engagement is scheduled.": "Tous les engagements sont programmés.",
    "Engagement sites at the host's capital; country shapes instead of map tiles, so the map works offline.":
        "Lieux des engagements dans la capitale de l’hôte ; contours des pays au lieu de fonds de carte, "
        "la carte fonctionne donc hors ligne.",
    "Made {created} (UTC).": "Établi le {created} (UTC).", "Horizon {period}.": "Période : {period}.",
    "{count} engagement(s)": "{count} engagement(s)", "{count} people": "{count} personnes",
    "Made by kp-plan export from a saved plan of “{scenario}” (package {version}). Reviewer ids only; "
    "no personal data.": "Établi par kp-plan export à partir d’un plan enregistré de « {scenario} » "
                         "(version {version}). Identifiants des examinateurs seulement ; aucune donnée "
                         "personnelle.",
    "KP plan — {scenario}": "Plan du PK — {scenario}", "yes": "oui", "no": "non",
}


def heading(text: str, lang: str = "en", **values) -> str:
    """A heading of the workbook or the report (:data:`HEADINGS_FR`) in ``lang``, placeholders filled; an
    English heading with no French one is kept (tests/test_stakeholder_views_fr.py lists the English words
    the French files must not show)."""
    check_lang(lang)
    text = HEADINGS_FR.get(text, text) if lang == "fr" else text
    return text.format(**values) if values else text


def check_lang(lang: str) -> str:
    if lang not in UI_LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(UI_LANGUAGES)}")
    return lang


def t(key: str, lang: str = "en", **values) -> str:
    """The label ``key`` in ``lang`` ('en' or 'fr'), with ``{placeholders}`` filled from ``values``.

    A key missing in French falls back to English; a key missing in English is returned as is (so a
    forgotten label shows up visibly instead of breaking the page).
    """
    check_lang(lang)
    text = LABELS[lang].get(key, LABELS["en"].get(key, key))
    return text.format(**values) if values else text


def page_texts() -> dict[str, dict]:
    """What a dashboard page shows before its notebook has run, in every language: the browser tab's title of
    each page, the loading screen's line (in place of Voilà's "Running …" and "Executing 1 of 1") and the text
    alternative of a timeline's picture (``planner.views.timeline_images``: plotly's extension shows it as an
    ``<img>`` without one). The kp-offline Voilà template puts them in the page (its ``kp_page_texts`` filter,
    voila.json) and picks the language of the address (``?lang=fr``)."""
    texts = {}
    for lang in UI_LANGUAGES:
        plan = t("plan_title", lang)
        itinerary = t("page_title_itinerary", lang, plan=plan, itineraries=t("itinerary_title", lang))
        texts[lang] = {"lang": lang, "loading": t("page_loading", lang), "picture_alt": t("timeline_picture_alt", lang),
                       "titles": {"plan": plan, "itinerary": itinerary}}
    return texts


def has(key: str) -> bool:
    return key in LABELS["en"]


def kind_label(kind: str, lang: str = "en") -> str:
    """'review_visit' → 'Review visit' / 'Visite d’examen'; an unknown kind is shown with spaces."""
    key = f"kind_{kind}"
    return t(key, lang) if has(key) else kind.replace("_", " ").capitalize()


def role_label(role: str, lang: str = "en") -> str:
    key = f"role_{role}"
    return t(key, lang) if has(key) else role


def region_label(region: str, lang: str = "en") -> str:
    key = f"region_{region}"
    return t(key, lang) if has(key) else region


def approach_label(code: str, lang: str = "en") -> str:
    key = f"approach_{code}"
    return t(key, lang) if has(key) else code


def month_label(year: int, month: int, lang: str = "en") -> str:
    """'September 2018' / 'septembre 2018'."""
    return f"{t(f'month_{month}', lang)} {year}"


def date_range_label(start, end, lang: str = "en") -> str:
    """An inclusive date range, e.g. '24–28 September 2018' / '24–28 septembre 2018'."""
    if start == end:
        return f"{start.day} {t(f'month_{start.month}', lang)} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {t(f'month_{end.month}', lang)} {end.year}"
    first = f"{start.day} {t(f'month_{start.month}', lang)}"
    if start.year != end.year:
        first += f" {start.year}"
    return f"{first} – {end.day} {t(f'month_{end.month}', lang)} {end.year}"


@lru_cache(maxsize=1)
def _french_countries() -> gettext.NullTranslations:
    try:
        import pycountry

        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except (ImportError, OSError):
        return gettext.NullTranslations()


def participant_name(scenario, code: str, lang: str = "en") -> str:
    """A participant's name: the scenario's English name, or the ISO 3166 French name in French."""
    by_code = scenario.participants_by_code
    english = by_code[code].name if code in by_code else code
    if lang == "en":
        return english
    if code == "EU":
        return "Union européenne"
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except ImportError:
        country = None
    if country is None:
        return english
    name = _french_countries().gettext(country.name)
    if name == country.name and getattr(country, "common_name", None):
        name = _french_countries().gettext(country.common_name)
    head, sep, tail = name.partition(", ")
    if sep and tail.endswith((" de", " du", " des")):  # "Russie, Fédération de" → "Fédération de Russie"
        name = f"{tail} {head}"
    return name


def organisation_label(scenario, organisation: str, lang: str = "en") -> str:
    """'ZA — South Africa', 'WDC — World Diamond Council (industry)'."""
    key = f"org_{organisation}"
    if has(key):
        return f"{organisation} — {t(key, lang)}"
    return f"{organisation} — {participant_name(scenario, organisation, lang)}"
