"""Small factory functions: content written the way every write path writes it."""

from __future__ import annotations

import hashlib
from itertools import count

import reversion

from conditions import workflow
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import Condition, Publication
from images.models import Image
from references.models import Reference

_numbers = count(1)


def make_reference(key: str | None = None, **fields) -> Reference:
    n = next(_numbers)
    defaults = {
        "kind": Reference.Kind.JOURNAL_ARTICLE,
        "authors": "Doe J\nRoe R",
        "title": f"A study of things, part {n}",
        "container_title": "J Clin Things",
        "year": 2021,
        "volume": "12",
        "issue": "3",
        "pages": "100-110",
    }
    return Reference.objects.create(key=key or f"doe{2000 + n}", **{**defaults, **fields})


def make_image(key: str | None = None, **fields) -> Image:
    """A library image row as if uploaded (its fields only: no file is written; tests of files and
    renditions upload through images.library)."""
    key = key or f"image-{next(_numbers)}"
    sha = fields.pop("sha256", None) or hashlib.sha256(key.encode()).hexdigest()
    values = {
        "title": key.replace("-", " ").capitalize(),
        "format": "jpeg",
        "width": 1600,
        "height": 1200,
        "alt": f"Drawing of {key.replace('-', ' ')}",
        "credit": "Example Clinic",
        "licence": "cc-by-4.0",
        **fields,
    }
    values.setdefault("file", f"images/{sha[:2]}/{sha}/original.jpg")
    with reversion.create_revision():
        return Image.objects.create(key=key, sha256=sha, **values)


def make_condition(
    by,
    name: str = "Example syndrome",
    *,
    summary: str = "A condition used in tests.",
    sections: list[tuple[str, str]] | None = None,
    short_answers: list[tuple[str, str, str]] | None = None,
    reference_keys: list[str] | None = None,
    also_called: list[str] | None = None,
    codes: list[str] | None = None,
    slug: str = "",
) -> Condition:
    """A draft condition written by ``by``, with an overview by default."""
    if sections is None:
        sections = [("overview", "An overview of the condition."), ("symptoms", "- Tiredness\n- Fever")]
    data = ConditionData(
        name=name,
        slug=slug,
        summary=summary,
        also_called=also_called or [],
        codes=codes,
        sections=[SectionData(kind=kind, body=body) for kind, body in sections],
        short_answers=[ShortAnswerData(q, a, d) for q, a, d in short_answers or []],
        reference_keys=reference_keys or [],
    )
    condition, _ = write_condition(data, by=by, comment="Written in a test")
    return condition


# Every item of the clinical review checklist, ticked.
CHECKED = list(workflow.CHECKLIST)


def publish(
    condition: Condition, *, editor, reviewer, kind: str = "clinical", comment: str = "", **approve_options
) -> Publication:
    """Submit as ``editor`` and approve as ``reviewer`` (checklist ticked): the real workflow."""
    workflow.submit(condition, by=editor)
    approve_options.setdefault("attestation", CHECKED)
    return workflow.approve(condition, by=reviewer, kind=kind, comment=comment, **approve_options)


def reviewed_fields(condition: Condition) -> dict[str, str]:
    """The hidden fields of the review screen's decision forms: the version now in review."""
    version = workflow.reviewed_version(Condition.objects.get(pk=condition.pk))
    if version is None:
        return {}
    return {"reviewed_revision": str(version.revision_id), "reviewed_hash": version.content_hash}
