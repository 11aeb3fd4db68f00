"""Condition codes: ICD-10-CM, SNOMED CT and MeSH codes an editor gives a page, one a line.

A code is written ``SYSTEM:CODE`` (``ICD10CM:E34.0``, ``SNOMEDCT:90560007``, ``MESH:D006073``);
the system's name is not case-sensitive and may be spelled as people write it (``ICD-10-CM``,
``SNOMED CT``, ``MeSH``). Each code's form is checked: an ICD-10-CM code's letters and digits, a
SNOMED CT concept id's Verhoeff check digit, a MeSH descriptor id or tree number. Whether the
code exists in its system is not checked: that needs the system's licensed release files.

The same codes are stated in the JSON-LD (``MedicalCode``), served and filtered by the API and
matched by the Infobutton service, where a request for an ICD-10-CM code finds the pages coded
with it or with any code above it (``E34.01`` finds a page coded ``E34.0`` or ``E34``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from conditions.models import Condition


@dataclass(frozen=True)
class CodeSystem:
    key: str  # how a code names its system here: "ICD10CM"
    name: str  # as schema.org's codingSystem and people write it
    oid: str  # HL7's identifier of the system, as Infobutton requests name it


ICD10CM = CodeSystem("ICD10CM", "ICD-10-CM", "2.16.840.1.113883.6.90")
SNOMEDCT = CodeSystem("SNOMEDCT", "SNOMED CT", "2.16.840.1.113883.6.96")
MESH = CodeSystem("MESH", "MeSH", "2.16.840.1.113883.6.177")
SYSTEMS = (ICD10CM, SNOMEDCT, MESH)
BY_OID = {system.oid: system for system in SYSTEMS}

# Every spelling of a system's name accepted, reduced to letters and digits, upper case.
_ALIASES = {
    "ICD10CM": ICD10CM,
    "SNOMEDCT": SNOMEDCT,
    "SNOMED": SNOMEDCT,
    "SCT": SNOMEDCT,
    "MESH": MESH,
    "MSH": MESH,
}

_ICD10CM = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")
_ICD10CM_UNDOTTED = re.compile(r"([A-Z][0-9][0-9A-Z])([0-9A-Z]{1,4})")
_SNOMED = re.compile(r"[1-9][0-9]{5,17}")
# A descriptor's unique id (D000001 style, or the nine-digit form of newer ones) or a tree number.
_MESH_ID = re.compile(r"D(?:[0-9]{6}|[0-9]{9})")
_MESH_TREE = re.compile(r"[A-Z][0-9]{2}(?:\.[0-9]{3})*")


@dataclass(frozen=True)
class Code:
    system: CodeSystem
    code: str

    @property
    def key(self) -> str:
        """``ICD10CM:E34.0``: how it is written, stored and asked for."""
        return f"{self.system.key}:{self.code}"

    @property
    def label(self) -> str:
        """``ICD-10-CM E34.0``: how a person reads it."""
        return f"{self.system.name} {self.code}"

    def medical_code(self) -> dict:
        """The schema.org MedicalCode node."""
        return {"@type": "MedicalCode", "codeValue": self.code, "codingSystem": self.system.name}

    def as_json(self) -> dict:
        """How the API gives it: ``system`` and ``value`` as a ``code`` filter is written
        (``ICD10CM:E34.0``), with the system's name and OID."""
        return {
            "system": self.system.key,
            "value": self.code,
            "system_name": self.system.name,
            "oid": self.system.oid,
        }

    def broader(self) -> list[Code]:
        """This code and every code above it (only ICD-10-CM's are nested by their letters):
        ``E34.01`` -> ``E34.01``, ``E34.0``, ``E34``."""
        if self.system is not ICD10CM or "." not in self.code:
            return [self]
        category, _, rest = self.code.partition(".")
        return [Code(ICD10CM, f"{category}.{rest[:n]}") for n in range(len(rest), 0, -1)] + [
            Code(ICD10CM, category)
        ]


def system_named(name: str) -> CodeSystem | None:
    """The system ``name`` spells (``ICD-10-CM``, ``snomed ct``, ``MeSH``), or its OID."""
    return BY_OID.get(name.strip()) or _ALIASES.get(re.sub(r"[^0-9A-Za-z]", "", name).upper())


def verhoeff_valid(digits: str) -> bool:
    """Whether the last digit of ``digits`` is its Verhoeff check digit (as SNOMED CT ids end)."""
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def normal_code(system: CodeSystem, value: str) -> str:
    """``value`` as a code of ``system`` in its one written form; ValueError with a sentence an
    editor can act on if it does not have that system's form."""
    code = value.strip()
    if system is ICD10CM:
        code = code.upper()
        if undotted := _ICD10CM_UNDOTTED.fullmatch(code):
            code = f"{undotted[1]}.{undotted[2]}"
        if not _ICD10CM.fullmatch(code):
            raise ValueError(
                f"“{value}” is not an ICD-10-CM code: a letter, two characters (digits, or a digit "
                "and a letter), then optionally a dot and up to four more, such as E34.0 or M10.071."
            )
    elif system is SNOMEDCT:
        if not _SNOMED.fullmatch(code):
            raise ValueError(f"“{value}” is not a SNOMED CT concept id: 6 to 18 digits, not starting with 0.")
        if not verhoeff_valid(code):
            raise ValueError(
                f"“{value}” is not a SNOMED CT concept id: its last digit is not the check digit "
                "of the others (a digit may be mistyped)."
            )
    else:
        code = code.upper()
        if not (_MESH_ID.fullmatch(code) or _MESH_TREE.fullmatch(code)):
            raise ValueError(
                f"“{value}” is not a MeSH descriptor: a descriptor id (D and 6 or 9 digits, such as "
                "D006073) or a tree number (such as C05.550.114.423)."
            )
    return code


def parse_code(text: str) -> Code:
    """One code as written, ``SYSTEM:CODE``; ValueError saying what is wrong."""
    system_name, colon, value = text.partition(":")
    if not colon:
        raise ValueError(
            f"“{text}” names no code system: write it as ICD10CM:E34.0, SNOMEDCT:90560007 or MESH:D006073."
        )
    system = system_named(system_name)
    if system is None:
        raise ValueError(
            f"“{system_name.strip()}” is not a code system this site knows: use ICD10CM, SNOMEDCT or MESH."
        )
    return Code(system, normal_code(system, value))


def parse_codes(text: str) -> list[Code]:
    """The codes of a one-a-line list, in order, without repeats; a line that is not a valid
    code is left out (a saved list has been validated, see :func:`validate_codes`)."""
    found: list[Code] = []
    for line in (text or "").splitlines():
        try:
            code = parse_code(line.strip())
        except ValueError:
            continue
        if code not in found:
            found.append(code)
    return found


def validate_codes(text: str) -> None:
    """Every non-blank line is a valid code: the model field's validator."""
    errors = []
    for line in (text or "").splitlines():
        if line.strip():
            try:
                parse_code(line.strip())
            except ValueError as exc:
                errors.append(ValidationError(str(exc), code="invalid_code"))
    if errors:
        raise ValidationError(errors)


def code_keys(text: str) -> str:
    """The codes of a list in their written form, one a line (what a publication stores)."""
    return "\n".join(code.key for code in parse_codes(text))


def matching_pattern(codes: Iterable[Code]) -> str:
    """A regular expression matching a stored list of code keys (:func:`code_keys`) holding any
    of ``codes`` as a whole line; written for both SQLite's and PostgreSQL's regex lookups."""
    keys = sorted({re.escape(code.key) for code in codes})
    return "(^|\n)(" + "|".join(keys) + ")(\n|$)"


def medical_codes(keys: Iterable[str]) -> list[dict]:
    """The schema.org MedicalCode nodes of codes in their written form (a published page's)."""
    return [code.medical_code() for code in parse_codes("\n".join(keys))]


def coded_with(conditions: QuerySet[Condition], code: Code) -> QuerySet[Condition]:
    """The live pages among ``conditions`` whose approved codes (``Publication.codes``) hold
    ``code`` or, for ICD-10-CM, a code above it: what the API's ``code`` filter and the
    Infobutton service find."""
    return conditions.filter(live_publication__codes__regex=matching_pattern(code.broader()))
