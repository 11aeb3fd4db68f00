"""The seed page with three figures, and its twin without them, for the load step (issue 17).

    python -m bench.figures OUT.json [--slug carcinoid-syndrome]

Run after the seed page is published (``measure publish-seed``), with the benchmark's settings.
It publishes, through the real workflow (an editor writes and submits, a reviewer approves with
the clinical checklist):

1. ``<slug>-without-figures``: a copy of the page as it is (its sections, short answers and
   references), so the load step can measure the page with and without figures side by side;
2. the page itself with three library images (drawn here with Pillow, added with
   ``images.library.add_image``: alt text, caption, credit, a licence), each as
   ``![](image:key)`` after the first paragraph of one of its first three sections.

Then it reads both public pages in-process and records their sizes, the figures they carry,
whether every rendition the figures name is in the storage, and the CPU time of one view of each
(rendered, and from the page cache). It does nothing twice: a second run on
the same database finds both pages already done.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsite.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.storage import default_storage, storages  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image as Picture  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from conditions import workflow  # noqa: E402
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition  # noqa: E402
from conditions.models import Condition  # noqa: E402
from images import renditions  # noqa: E402
from images.library import add_image  # noqa: E402
from images.models import Image  # noqa: E402

EDITOR, REVIEWER = "bench-editor-1", "bench-reviewer-2"
SIZE = (1600, 1000)
SKIN, RED, INK, PAPER = (238, 206, 180), (214, 84, 84), (60, 52, 48), (250, 248, 244)


def _picture() -> tuple[Picture.Image, ImageDraw.ImageDraw]:
    picture = Picture.new("RGB", SIZE, PAPER)
    return picture, ImageDraw.Draw(picture)


def _png(picture: Picture.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def flushing() -> bytes:
    """Head and shoulders, the cheeks, neck and upper chest shaded red."""
    picture, pen = _picture()
    pen.ellipse((600, 120, 1000, 600), fill=SKIN, outline=INK, width=6)  # head
    pen.rectangle((720, 580, 880, 720), fill=SKIN)  # neck
    pen.chord((380, 660, 1220, 1300), 180, 360, fill=SKIN, outline=INK, width=6)  # shoulders
    for box in ((640, 360, 760, 470), (840, 360, 960, 470)):  # cheeks
        pen.ellipse(box, fill=RED)
    pen.rectangle((735, 600, 865, 720), fill=(226, 132, 120))  # neck, flushed
    pen.chord((560, 700, 1040, 1000), 180, 360, fill=(226, 132, 120))  # upper chest, flushed
    pen.ellipse((700, 300, 740, 330), fill=INK)
    pen.ellipse((860, 300, 900, 330), fill=INK)
    return _png(picture)


def gut_and_liver() -> bytes:
    """The abdomen: the liver upper right, the small intestine coiled below, three small tumours."""
    picture, pen = _picture()
    pen.rounded_rectangle((200, 80, 1400, 960), radius=200, outline=INK, width=6)  # the abdomen
    pen.polygon([(820, 160), (1320, 180), (1280, 380), (900, 420)], fill=(150, 70, 60))  # liver
    for row in range(5):  # the coiled small intestine
        y = 480 + row * 90
        pen.arc((380, y, 1220, y + 120), 0, 180 if row % 2 else 360, fill=(200, 120, 110), width=28)
    for x, y in ((620, 620), (1000, 250), (1150, 300)):  # tumours: one in the gut, two in the liver
        pen.ellipse((x - 24, y - 24, x + 24, y + 24), fill=(250, 210, 60), outline=INK, width=4)
    return _png(picture)


def urine_test() -> bytes:
    """A collection bottle with a measuring scale, beside a clock showing a whole day."""
    picture, pen = _picture()
    pen.rounded_rectangle((260, 200, 700, 900), radius=60, fill=(240, 226, 150), outline=INK, width=6)
    pen.rectangle((380, 120, 580, 200), fill=(120, 140, 170), outline=INK, width=6)  # cap
    for step in range(1, 9):  # the scale
        y = 900 - step * 75
        pen.line((620, y, 680, y), fill=INK, width=4)
    pen.ellipse((900, 250, 1400, 750), fill=(255, 255, 255), outline=INK, width=8)  # clock
    for hour in range(12):
        pen.regular_polygon((1150, 500, 230), 12, rotation=hour * 30, outline=(200, 200, 200))
    pen.line((1150, 500, 1150, 320), fill=INK, width=10)
    pen.line((1150, 500, 1280, 500), fill=INK, width=8)
    return _png(picture)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    alt: str
    caption: str
    draw: Callable[[], bytes]


FIGURES = (
    Figure(
        key="bench-flushing",
        title="Flushing of the face and neck (drawing)",
        alt="Drawing of a person's head and shoulders with the cheeks, neck and upper chest shaded red.",
        caption="Flushing often starts suddenly on the face and spreads to the neck and chest.",
        draw=flushing,
    ),
    Figure(
        key="bench-gut-and-liver",
        title="Small intestine and liver (diagram)",
        alt=(
            "Diagram of the abdomen: the liver at the upper right and the small intestine coiled "
            "below it, with one small tumour marked in the intestine and two in the liver."
        ),
        caption="The tumours often start in the small intestine, then reach the liver.",
        draw=gut_and_liver,
    ),
    Figure(
        key="bench-urine-test",
        title="24-hour urine collection (drawing)",
        alt="A large collection bottle with a measuring scale, next to a clock face.",
        caption="A 24-hour urine test measures 5-HIAA, made when the body breaks down serotonin.",
        draw=urine_test,
    ),
)


def _publish(condition: Condition) -> None:
    editor, reviewer = User.objects.get(username=EDITOR), User.objects.get(username=REVIEWER)
    workflow.submit(condition, by=editor, comment="Benchmark figures")
    condition.refresh_from_db()
    workflow.approve(condition, by=reviewer, attestation=list(workflow.CHECKLIST))
    condition.refresh_from_db()
    if not condition.is_live:
        raise SystemExit(f"{condition.slug} was not published: {condition.status}")


def _data(condition: Condition, *, slug: str, name: str, bodies: list[str] | None = None) -> ConditionData:
    sections = list(condition.sections.order_by("position"))
    return ConditionData(
        name=name,
        slug=slug,
        summary=condition.summary,
        also_called=[line for line in condition.also_called.splitlines() if line.strip()],
        codes=[line for line in condition.codes.splitlines() if line.strip()],
        sections=[
            SectionData(kind=s.kind, heading=s.heading, body=bodies[i] if bodies else s.body)
            for i, s in enumerate(sections)
        ],
        short_answers=[
            ShortAnswerData(
                question=a.question, answer=a.answer, details=a.details, source_updated_on=a.source_updated_on
            )
            for a in condition.short_answers.order_by("position")
        ],
        reference_keys=[
            link.reference.key
            for link in condition.condition_references.order_by("position").select_related("reference")
        ],
    )


def _with_figures(body: str, key: str) -> str:
    """The body with ``![](image:key)`` as its own paragraph after its first one."""
    first, _, rest = body.partition("\n\n")
    return f"{first}\n\n![](image:{key})" + (f"\n\n{rest}" if rest else "")


def illustrate(out: str, slug: str, requests: int = 300) -> dict:
    editor = User.objects.get(username=EDITOR)
    condition = Condition.objects.get(slug=slug)
    if not condition.is_live:
        raise SystemExit(f"{slug} is not published: run `measure publish-seed` first.")
    twin_slug = f"{slug}-without-figures"
    if not Condition.objects.filter(slug=twin_slug).exists():
        twin, _ = write_condition(
            _data(condition, slug=twin_slug, name=f"{condition.name} (without figures)"),
            by=editor,
            comment="A copy without figures, for the benchmark",
        )
        _publish(twin)
    for figure in FIGURES:
        if not Image.objects.filter(key=figure.key).exists():
            add_image(
                figure.draw(),
                key=figure.key,
                title=figure.title,
                alt=figure.alt,
                caption=figure.caption,
                credit="MedSite benchmark drawings",
                licence="cc0-1.0",
                by=editor,
            )
    bodies = [section.body for section in condition.sections.order_by("position")]
    if len(bodies) < len(FIGURES):
        raise SystemExit(f"{slug} has {len(bodies)} sections; three figures need three.")
    if not any("image:" in body for body in bodies):
        bodies = [
            _with_figures(body, FIGURES[i].key) if i < len(FIGURES) else body for i, body in enumerate(bodies)
        ]
        condition, _ = write_condition(
            _data(condition, slug=slug, name=condition.name, bodies=bodies),
            by=editor,
            comment="Three figures",
        )
        _publish(condition)

    client = Client(HTTP_HOST="127.0.0.1")
    pages = {}
    for page_slug in (slug, twin_slug):
        response = client.get(reverse("conditions:detail", args=[page_slug]))
        html = response.content.decode()
        pages[page_slug] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "figures": html.count('<figure class="figure">'),
            "lazy": html.count('loading="lazy"'),
        }
    stored, missing = 0, []
    for image in Image.objects.filter(key__in=[f.key for f in FIGURES]):
        names = [r.name for r in renditions.renditions(image.sha256, image.format, image.width, image.height)]
        for name in names:
            if default_storage.exists(name):
                stored += 1
            else:
                missing.append(name)
    result = {
        "slug": slug,
        "cpu_ms": cpu_per_request(client, [slug, twin_slug], requests),
        "twin": twin_slug,
        "pages": pages,
        "images": [
            {"key": i.key, "format": i.format, "width": i.width, "height": i.height}
            for i in Image.objects.filter(key__in=[f.key for f in FIGURES]).order_by("key")
        ],
        "renditions_stored": stored,
        "renditions_missing": missing,
        "storage": type(storages["default"]).__name__,
    }
    if pages[slug]["figures"] != len(FIGURES) or pages[twin_slug]["figures"] != 0:
        raise SystemExit(f"The pages do not show the figures expected: {json.dumps(pages)}")
    Path(out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))
    return result


def cpu_per_request(client: Client, slugs: list[str], requests: int) -> dict:
    """Median CPU milliseconds of one anonymous view of each page, in-process, rendered (the page
    cache emptied first) and from the page cache; the pages taken in turn, so that other work on
    the machine falls on both alike. CPU time, unlike wall time, is little moved by that work.
    The test client keeps its database connection, which a server opens for each request."""
    from django.core.cache import cache

    samples: dict[str, dict[str, list[float]]] = {s: {"rendered": [], "from the cache": []} for s in slugs}
    for _ in range(requests):
        for page_slug in slugs:
            url = reverse("conditions:detail", args=[page_slug])
            for name in ("rendered", "from the cache"):
                if name == "rendered":
                    cache.clear()
                started = time.process_time()
                client.get(url)
                samples[page_slug][name].append((time.process_time() - started) * 1000)
    return {
        page_slug: {name: round(statistics.median(values), 3) for name, values in by_name.items()}
        for page_slug, by_name in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--slug", default="carcinoid-syndrome")
    parser.add_argument("--requests", type=int, default=300, help="views of each page timed, each way")
    args = parser.parse_args()
    illustrate(args.out, args.slug, args.requests)


if __name__ == "__main__":
    main()
