from __future__ import annotations

import fcntl
import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches

from conditions.models import ReviewerProfile
from tests.samples import IMPORT_CASES, SEEDS, ImportCase

# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls are
# in another thread, so Django's async-safety check is a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium, never a downloaded browser build.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_addoption(parser):
    parser.addoption("--chromium-path", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))


def pytest_configure(config):
    # Hashing a password the production way (PBKDF2, a million rounds) costs a quarter of a
    # second of CPU, and most tests make a few users. Nothing here tests hashing itself (that is
    # Django's), and production settings are untouched.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering, which it keeps otherwise
def pytest_collection_modifyitems(items):
    # The tests marked slow (a minute or more) first: xdist hands out tests in this order, so
    # they start at once while the other worker goes through the rest, instead of running alone
    # at the end of the run. Only those that leave the database as they found it: a test that
    # flushes it (transactional, or on a live server) stays where pytest-django put it, after
    # the tests that need the data migrations' rows.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None or _flushes(item))


def _flushes(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Image files a test stores go to a folder of its own, never the project's media/."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database file of this process's own, as the site runs, not Django's
    shared in-memory one: there, threads writing at once (tests/test_concurrency.py, the live
    server) fail at once with "database table is locked" instead of taking turns (WAL, IMMEDIATE
    transactions and the busy timeout of medsite/settings.py)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


def make_roles() -> None:
    """The roles as the data migrations make them: the groups and their permissions on pages and
    references, then on the content checks' term list and the image library."""
    importlib.import_module("conditions.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("medsite.contentchecks.migrations.0003_roles").grant(apps, None)
    importlib.import_module("images.migrations.0002_roles").grant(apps, None)


def make_migrated_data() -> None:
    """Every row the data migrations make, made again the same way: the roles, and the content
    checks' term list."""
    make_roles()
    importlib.import_module("medsite.contentchecks.migrations.0002_plain_terms").add_terms(apps, None)


@pytest.fixture(autouse=True)
def _migrated_data_after_a_flush(request):
    """A test in a transaction (the usual kind) sees the data migrations' rows, as on a migrated
    site, even when a transactional test on the same xdist worker flushed them before it (xdist
    hands a worker tests in pytest-django's order, but which tests a worker gets is not fixed)."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    if _flushes(request.node):
        return  # its own `roles` fixture, where it needs them
    request.getfixturevalue("db")
    if not Group.objects.filter(name="Editors").exists():
        make_migrated_data()


@pytest.fixture
def roles(transactional_db):
    """The editorial roles (groups and their permissions) for a transactional test: the data
    migration made them, but the flush after each such test takes them away. Made again the same
    way, rather than restored from a serialized copy of the database: on PostgreSQL that copy's
    content types collide with those a flush without it makes again."""
    make_roles()


@pytest.fixture
def cpu_to_itself(tmp_path_factory):
    """While the test runs, no other test asking for this runs on another xdist worker: for the
    load test, which keeps both cores busy, and for Lighthouse, whose trace of a page load comes
    back incomplete (no scores at all) on a machine that busy."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by its workers
    with open(root / "cpu-to-itself.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, pytestconfig):
    return {
        **browser_type_launch_args,
        "executable_path": pytestconfig.getoption("--chromium-path"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def site_address(settings):
    """The site's configured address is the test client's host, so the absolute addresses pages
    give (canonical, structured data, API links) are the ones a test requests."""
    settings.MEDSITE_BASE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def page_cache(settings):
    """The public page cache on, as in production, but empty: no page cached by an earlier test
    leaks into this one."""
    settings.MEDSITE_PAGE_CACHE_SECONDS = 600
    caches["default"].clear()


def _user(username: str, *groups: str, staff: bool = True, **extra) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.org", "correct horse battery", is_staff=staff, **extra
    )
    for name in groups:
        user.groups.add(_role(name))
    return user


def _role(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:
        # A transactional test before this one flushed the database, and with it the roles the
        # data migration made: make them again the same way.
        make_roles()
        group = Group.objects.get(name=name)
    return group


@pytest.fixture
def editor(db) -> User:
    return _user("edna", "Editors", first_name="Edna", last_name="Editor")


@pytest.fixture
def editor2(db) -> User:
    return _user("eric", "Editors", first_name="Eric", last_name="Editor")


@pytest.fixture
def reviewer(db) -> User:
    user = _user("rita", "Medical reviewers", first_name="Rita", last_name="Reviewer")
    ReviewerProfile.objects.create(user=user, display_name="Rita Reviewer, MD", specialty="Gastroenterology")
    return user


@pytest.fixture
def reviewer2(db) -> User:
    user = _user("ravi", "Medical reviewers", first_name="Ravi", last_name="Reviewer")
    ReviewerProfile.objects.create(user=user, display_name="Ravi Reviewer, MBBS", specialty="Oncology")
    return user


@pytest.fixture
def stranger(db) -> User:
    """Logged in, but with no role."""
    return _user("sam", staff=False)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", "root@example.org", "correct horse battery")


@pytest.fixture
def seeds() -> Path:
    """../shared/seeds, the two real documents: a clone of the project alone skips the tests that
    read them, but CI (MEDSITE_REQUIRE_SEEDS=1, set by .ci/run) fails them, so they cannot go
    quietly untested there."""
    if not SEEDS.is_dir():
        if os.environ.get("MEDSITE_REQUIRE_SEEDS") == "1":
            pytest.fail(f"MEDSITE_REQUIRE_SEEDS=1, but the seed documents are not in {SEEDS}", pytrace=False)
        pytest.skip(f"the seed documents are not in {SEEDS} (a clone without ../shared)")
    return SEEDS


@pytest.fixture
def seed_condition_page(seeds) -> Path:
    return next(seeds.glob("000_*.txt"))


@pytest.fixture
def seed_short_answer(seeds) -> Path:
    return next(seeds.glob("001_*.txt"))


@pytest.fixture(params=IMPORT_CASES, ids=lambda case: case.id)
def import_case(request) -> ImportCase:
    """A condition page and a short-answer card with what importing them gives: each sample of
    tests/samples/, then the seeds (skipped or failed as :func:`seeds` says when they are missing)."""
    if request.param.from_seeds:
        request.getfixturevalue("seeds")
    return request.param
