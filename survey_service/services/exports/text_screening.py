"""Disclosure control for exports: free-text screening. Pure.

Free-text answers are exported only when an admin asks for them, and then with e-mail
addresses, fødselsnumre (and any other 11-digit run) and Norwegian phone numbers masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Eleven digits, alone or as 6 + 5 with a space or dot (how a fødselsnummer is written).
_ELEVEN = re.compile(r"(?<!\d)\d{6}[ .]?\d{5}(?!\d)")
# A Norwegian phone number: eight digits, grouped or not, with or without +47 / 0047.
_PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?47[\s-]?)?(?:\d[\s-]?){7}\d(?!\d)")

MASKS = {
    "email": "[e-post fjernet]",
    "national_id": "[fødselsnummer fjernet]",
    "number": "[nummer fjernet]",
    "phone": "[telefonnummer fjernet]",
}

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def valid_national_id(digits: str) -> bool:
    """Whether 11 digits carry valid fødselsnummer check digits (mod 11, both)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip(_W1, d[:9], strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip(_W2, d[:10], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and k1 == d[9] and k2 == d[10]


@dataclass
class ScreenCounts:
    """How many of each kind of personal data free-text screening masked."""

    email: int = 0
    national_id: int = 0
    number: int = 0
    phone: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def screen_text(text: str, counts: ScreenCounts | None = None) -> str:
    """``text`` with e-mail addresses, fødselsnumre (and any other 11-digit run) and
    Norwegian phone numbers masked. Valid check digits only decide the mask's label: every
    11-digit run is masked, since a typo'd number identifies as well as a valid one."""
    tally = counts if counts is not None else ScreenCounts()

    def email(_: re.Match[str]) -> str:
        tally.email += 1
        return MASKS["email"]

    def eleven(match: re.Match[str]) -> str:
        if valid_national_id(re.sub(r"\D", "", match.group())):
            tally.national_id += 1
            return MASKS["national_id"]
        tally.number += 1
        return MASKS["number"]

    def phone(_: re.Match[str]) -> str:
        tally.phone += 1
        return MASKS["phone"]

    text = _EMAIL.sub(email, text)
    text = _ELEVEN.sub(eleven, text)
    return _PHONE.sub(phone, text)
