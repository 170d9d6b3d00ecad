"""The breakdowns a survey's scores can be split by, and the group each respondent falls in.

A breakdown is one respondent attribute (``role``, ``age_band``, ``gender``, ``area``) or
the role groups of the tripartite cooperation (``role_group``: the elected, the union and
safety representatives, the leaders, the employees, and citizens), the grouping the exports
generalise roles to (``exports.disclosure.ROLE_COLLAPSE``); in a survey an organiser runs for
several municipalities also ``municipality``, the participating municipality a respondent
comes from (``organisers``). A respondent who gave no value,
or preferred not to say, is in no group of that breakdown: such people are never shown as a
group, and count wherever the groups that are not shown do (``breakdown_disclosure``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from survey_service.instruments import PREFER_NOT_TO_SAY, RESPONDENT_ATTRIBUTES, Text

#: Every breakdown, in the order they are listed.
BREAKDOWNS: tuple[str, ...] = ("role", "role_group", "age_band", "gender", "area", "municipality")

#: The attribute each breakdown reads.
ATTRIBUTE: Mapping[str, str] = MappingProxyType(
    {by: "role" if by == "role_group" else by for by in BREAKDOWNS}
)


def _t(nb: str, nn: str, en: str) -> Text:
    return MappingProxyType({"nb": nb, "nn": nn, "en": en})


#: The role groups, in the order the parties are listed, with their names.
ROLE_GROUPS: Mapping[str, Text] = MappingProxyType(
    {
        "elected": _t("Folkevalgte", "Folkevalde", "Elected members"),
        "representative": _t(
            "Tillitsvalgte og verneombud",
            "Tillitsvalde og verneombod",
            "Union and safety representatives",
        ),
        "leader": _t("Ledere", "Leiarar", "Leaders"),
        "employee": _t("Ansatte", "Tilsette", "Employees"),
        "citizen": _t("Innbyggere", "Innbyggjarar", "Residents"),
    }
)


def role_group(role: str) -> str:
    """The role group of a role code (``top_leader`` -> ``leader``): the exports' grouping."""
    # Imported here: the exports package's own imports lead back to the snapshots, which
    # follow the breakdowns.
    from survey_service.services.exports.disclosure import ROLE_COLLAPSE

    return ROLE_COLLAPSE.get(role, role)


def group_of(by: str, attributes: Mapping[str, str]) -> str | None:
    """The group a cell's respondents are in for breakdown ``by``; None: no answer."""
    value = attributes.get(ATTRIBUTE[by])
    if not value or value == PREFER_NOT_TO_SAY:
        return None
    return role_group(value) if by == "role_group" else value


def listed_groups(by: str, options: tuple[str, ...] | None) -> list[str] | None:
    """Every group of ``by`` that may be listed whether or not anyone is in it, in order:
    from the attribute's codes (``options`` narrows them); None when the values are the
    respondents' own (an ``area`` without a list), so only groups that are shown are listed
    (a value one person typed is not named)."""
    attribute = ATTRIBUTE[by]
    if attribute not in RESPONDENT_ATTRIBUTES:  # the participating municipalities
        return list(options or ())
    if options is None:
        if RESPONDENT_ATTRIBUTES[attribute].open:
            return None
        options = RESPONDENT_ATTRIBUTES[attribute].codes
    codes = [code for code in options if code != PREFER_NOT_TO_SAY]
    if by != "role_group":
        return codes
    groups = {role_group(code) for code in codes}
    return [group for group in ROLE_GROUPS if group in groups]


def label(by: str, group: str) -> Mapping[str, str]:
    """A group's name in nb, nn and en (an area's is its own value)."""
    if by == "role_group" and group in ROLE_GROUPS:
        return dict(ROLE_GROUPS[group])
    attribute = RESPONDENT_ATTRIBUTES.get(ATTRIBUTE[by])
    if attribute is None:  # a municipality: its number, named by the caller
        return {"nb": group, "nn": group, "en": group}
    for option in attribute.options:
        if option.code == group:
            return dict(option.label)
    return {"nb": group, "nn": group, "en": group}
