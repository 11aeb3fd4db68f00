"""The demo site: local accounts for each role, and condition pages published through the real workflow.

:func:`load_demo` is safe to run again: accounts are brought back to their demo role and password,
references, images and pages that already exist are left exactly as they are (an image whose files
are gone, with a fresh media folder, gets them back: its drawing is the same bytes again). The
passwords are fixed and printed, so the management command refuses to run unless ``DEBUG`` is on.

Every page is written by the demo editor with :func:`content.write_condition`, submitted by the
editor and approved by a medical reviewer (clinical review), the way a real page goes live. One
page is left in expert review, so the admin shows work in progress. Two pages show illustrations
drawn for the demo (:mod:`conditions.demo.illustrations`), put into the image library the way an
editor's upload is (:func:`images.library.add_image`), so the public pages show figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.db import transaction

from conditions import workflow
from conditions.content import write_condition
from conditions.demo.pages import IMAGES, PAGES, REFERENCES, DemoImage, DemoPage
from conditions.models import Condition, ReviewerProfile
from images import library, processing
from images.models import Image
from references.models import Reference

EDITORS = "Editors"
REVIEWERS = "Medical reviewers"
SITE_URL = "http://127.0.0.1:8000/"
ADMIN_URL = SITE_URL + settings.MEDSITE_ADMIN_URL


# --- accounts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    first_name: str
    last_name: str
    group: str = ""
    superuser: bool = False
    display_name: str = ""
    specialty: str = ""


# Fixed, published passwords: acceptable only because the command runs with DEBUG on.
ACCOUNTS = [
    DemoAccount(
        "editor",
        "medsite-editor",
        "Editor: writes pages and submits them for review",
        "Lucy",
        "Hart",
        group=EDITORS,
    ),
    DemoAccount(
        "reviewer1",
        "medsite-reviewer1",
        "Medical reviewer: approves pages or sends them back",
        "Amara",
        "Okafor",
        group=REVIEWERS,
        display_name="Amara Okafor, MD",
        specialty="Family medicine",
    ),
    DemoAccount(
        "reviewer2",
        "medsite-reviewer2",
        "Medical reviewer: approves pages or sends them back",
        "Tomasz",
        "Nowak",
        group=REVIEWERS,
        display_name="Tomasz Nowak, MBBS, MRCP",
        specialty="Internal medicine",
    ),
    DemoAccount("admin", "medsite-admin", "Superuser: everything", "Site", "Admin", superuser=True),
]


def _ensure_account(account: DemoAccount) -> User:
    """Create or reset one demo account; only fields that differ are written."""
    user, _ = get_user_model().objects.get_or_create(username=account.username)
    wanted = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": f"{account.username}@demo.medsite.invalid",
        "is_active": True,
        "is_staff": True,
        "is_superuser": account.superuser,
    }
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    if not user.check_password(account.password):
        user.set_password(account.password)
        changed.append("password")
    if changed:
        user.save()
    if account.group:
        user.groups.add(Group.objects.get(name=account.group))
    if account.display_name:
        profile = ReviewerProfile.objects.filter(user=user).first() or ReviewerProfile(user=user)
        if (profile.display_name, profile.specialty) != (account.display_name, account.specialty):
            profile.display_name, profile.specialty = account.display_name, account.specialty
            profile.save()
    # A fresh instance: permissions cached before the group was added would be stale.
    return get_user_model().objects.get(pk=user.pk)


def _ensure_references(by: User) -> list[str]:
    """Create the demo references that are missing; existing ones (perhaps edited) are kept."""
    existing = set(
        Reference.objects.filter(key__in=[r["key"] for r in REFERENCES]).values_list("key", flat=True)
    )
    created = []
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment("Demo references")
        for fields in REFERENCES:
            if fields["key"] not in existing:
                Reference.objects.create(**fields)
                created.append(fields["key"])
    return created


def _ensure_images(by: User) -> list[str]:
    """Draw and add the demo images that are missing; existing ones (perhaps edited) are kept."""
    created = []
    for demo in IMAGES:
        image = Image.objects.filter(key=demo.key).first()
        if image is None:
            library.add_image(
                demo.draw(),
                title=demo.title,
                key=demo.key,
                alt=demo.alt,
                caption=demo.caption,
                credit=demo.credit,
                licence=demo.licence,
                focal_x=demo.focal_x,
                focal_y=demo.focal_y,
                by=by,
                name=f"{demo.key}.png",
            )
            created.append(demo.key)
        else:
            _ensure_files(image, demo)
    return created


def _ensure_files(image: Image, demo: DemoImage) -> None:
    """An image loaded before whose files are gone (a fresh media folder) gets them back, when
    its file is still the demo's drawing; renditions missing beside its file are made again."""
    if default_storage.exists(image.file.name):
        library.write_renditions(image)
        return
    drawn = processing.read_image(demo.draw(), f"{demo.key}.png")
    if drawn.sha256 == image.sha256:
        library.write_files(drawn, focal_x=image.focal_x, focal_y=image.focal_y)


# --- loading ---------------------------------------------------------------------------------


@dataclass
class DemoReport:
    accounts: list[DemoAccount] = field(default_factory=list)
    created_references: list[str] = field(default_factory=list)
    created_images: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    in_review: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)


def _add_page(page: DemoPage, *, editor: User, reviewer: User, report: DemoReport) -> None:
    """Write, submit and (unless it is the work-in-progress page) approve one page."""
    if Condition.objects.filter(slug=page.data.resolved_slug()).exists():
        report.already_present.append(page.data.name)
        return
    condition, _ = write_condition(page.data, by=editor, comment="Demo page: first draft")
    workflow.submit(condition, by=editor, comment="Ready for medical review.")
    if page.publish:
        workflow.approve(
            condition,
            by=reviewer,
            kind="clinical",
            comment="First publication.",
            attestation=workflow.CHECKLIST,
        )
        report.published.append(condition.name)
    else:
        report.in_review.append(condition.name)


def load_demo() -> DemoReport:
    """Create or reset the demo accounts, and add the demo pages that are missing.

    Raises ``workflow.WorkflowError`` if a page cannot go through the workflow; nothing is written
    then.
    """
    report = DemoReport(accounts=ACCOUNTS)
    with transaction.atomic():
        users = {account.username: _ensure_account(account) for account in ACCOUNTS}
        editor = users["editor"]
        report.created_references = _ensure_references(editor)
        report.created_images = _ensure_images(editor)
        for page in PAGES:
            _add_page(page, editor=editor, reviewer=users[page.reviewer], report=report)
    return report
