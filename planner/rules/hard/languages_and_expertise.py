"""Hard rule ``languages_and_expertise``: someone on the team speaks each of the engagement's ``languages`` and
someone has each of its ``expertise`` tags. When the host provides interpretation (``interpretation``), the
languages are met without a speaker."""

from __future__ import annotations

from planner.core.languages import language_name
from planner.rules.base import HardRule, ModelContext, Need, PlanContext
from planner.rules.names import RuleName


def _wants(e):
    """(kind, value, test) for each language and expertise ``e`` asks for."""
    for lang in () if e.interpretation else e.languages:
        yield "language", lang, (lambda r, lang=lang: r.speaks(lang))
    for tag in e.expertise:
        yield "expertise", tag, (lambda r, tag=tag: tag in r.expertise)


def _what(kind: str, value: str) -> str:
    return f"a {language_name(value)} speaker" if kind == "language" else f"someone with '{value}' expertise"


class LanguagesAndExpertise(HardRule):
    name = RuleName.LANGUAGES_AND_EXPERTISE
    order = 110
    staff_first = 45

    def constrain_engagement(self, m: ModelContext, e) -> None:
        sched = m.vars.scheduled[e.id]
        for kind, value, test in _wants(e):
            m.model.add(sum(m.members_where(e, test)) >= sched).only_enforce_if(
                m.switch(self.assumption(e.id, detail=f"{kind}:{value}")))

    def check(self, c: PlanContext):
        for e, _ in c.scheduled:
            team = [c.reviewers[a.reviewer_id] for a in c.team(e.id)]
            for kind, value, test in _wants(e):
                if not any(test(r) for r in team):
                    said = f"speaks {language_name(value)}" if kind == "language" else f"has '{value}' expertise"
                    yield self.violation(e.id, "", f"nobody on {e.title} {said}")

    def needs(self, scenario, e, host) -> list[Need]:
        return [Need(self.name, _what(kind, value), lambda rs, test=test: [r for r in rs if test(r)], 1)
                for kind, value, test in _wants(e)]

    def phrase(self, scenario, a) -> str:
        kind, _, value = a.detail.partition(":")
        return f"{scenario.engagements_by_id[a.engagement_id].title} needs {_what(kind, value)}"


RULE = LanguagesAndExpertise()
