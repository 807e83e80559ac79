"""One name per rule: the key that the CP-SAT model's assumptions, the checker's violations, the pre-checks'
findings, the diagnosis sentences, the weights and the docs all use (docs/model.md lists them).

Both enumerations are ``StrEnum``s, so a name compares equal to its text (``RuleName.TEAM_SIZE == "team_size"``)
and reads the same in plan files and messages.
"""

from enum import StrEnum


class RuleName(StrEnum):
    """The hard rules, in the order the checker reports them."""

    PLAN_CONSISTENT = "plan_consistent"
    WINDOW_AND_CALENDAR = "window_and_calendar"
    REQUIRED_HAPPENS = "required_happens"
    PINNED_START_KEPT = "pinned_start_kept"
    PINNED_PEOPLE_KEPT = "pinned_people_kept"
    TEAM_SIZE = "team_size"
    ONE_LEAD = "one_lead"
    NO_SELF_REVIEW = "no_self_review"
    OTHER_GOVERNMENTS = "other_governments"
    OBSERVERS = "observers"
    FRENCH_SPEAKERS = "french_speakers"
    FRENCH_LEAD = "french_lead"
    LANGUAGES_AND_EXPERTISE = "languages_and_expertise"
    REQUIRED_ATTENDEES = "required_attendees"
    FIXED_COMMITMENTS = "fixed_commitments"
    ONE_PLACE_AT_A_TIME = "one_place_at_a_time"
    MAX_ENGAGEMENTS = "max_engagements"


class TermName(StrEnum):
    """The soft terms; each is also the key of its weight in scenario.yaml."""

    UNSCHEDULED_HIGH = "unscheduled_high"
    UNSCHEDULED_NORMAL = "unscheduled_normal"
    UNSCHEDULED_LOW = "unscheduled_low"
    MAX_LOAD = "max_load"
    LOAD_SPREAD = "load_spread"
    TRAVEL_KM = "travel_km"
    CHAIN_CREDIT_KM = "chain_credit_km"
    LEAD_LANGUAGE = "lead_language"
    REGIONAL_PEER = "regional_peer"
    MOVED_DAYS = "moved_days"
    TEAM_CHANGES = "team_changes"
    WEEKDAY_START = "weekday_start"
    HOST_CALENDAR = "host_calendar"
    COST = "cost"
