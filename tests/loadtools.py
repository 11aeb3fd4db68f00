"""Tools of the load test (tests/test_load.py): its data, its browsers, its workload and wrk.

The data side runs in a subprocess against the load test's own database, as the server does::

    python -m tests.loadtools seed OUT.json EDITORS  # the plan: accounts, pages, public paths
    python -m tests.loadtools report OUT.json IDS... # what the database holds for those pages
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

PASSWORD = "load-test-password"  # accounts of a throwaway database, on loopback
CONFLICT = "saved this page after you opened it"
READ_PAGES = [
    ("Load fever", "Fever is a temperature of 38 °C or more."),
    ("Load cough", "A cough that lasts more than three weeks needs a doctor's visit."),
    ("Load rash", "Most rashes settle within a few days without treatment."),
    ("Load headache", "Tension headaches feel like a tight band around the head."),
    ("Load back pain", "Back pain usually gets better within a few weeks."),
]


# --- the data (run in a subprocess, against the load test's database) -----------------------------


def seed(editors: int) -> dict:
    """Accounts; published pages for the readers; the drafts the editors save (the first two
    editors share one); the page the review rounds go round with."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from conditions import workflow
    from conditions.content import ConditionData, SectionData, write_condition
    from conditions.models import ReviewerProfile

    hashed = make_password(PASSWORD)  # once: hashing is slow on purpose

    def account(username: str, group: str) -> User:
        user = User.objects.create(
            username=username, email=f"{username}@example.org", password=hashed, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    def page(name: str, overview: str, by: User):
        data = ConditionData(
            name=name, summary=f"{name}: the short summary.", sections=[SectionData("overview", overview)]
        )
        condition, _ = write_condition(data, by=by, comment="Load test data")
        return condition

    writers = [account(f"load-editor-{n}", "Editors") for n in range(editors)]
    cycle_editor = account("load-editor-cycle", "Editors")
    reviewers = []
    for n in (1, 2):
        reviewer = account(f"load-reviewer-{n}", "Medical reviewers")
        ReviewerProfile.objects.create(user=reviewer, display_name=f"Load Reviewer {n}, MD")
        reviewers.append(reviewer)

    slugs = []
    for name, overview in READ_PAGES:
        condition = page(name, overview, writers[0])
        workflow.submit(condition, by=writers[0])
        workflow.approve(condition, by=reviewers[0], attestation=list(workflow.CHECKLIST))
        slugs.append(condition.slug)

    def described(condition, **extra) -> dict:
        section = condition.sections.get()
        return {
            "id": condition.pk,
            "name": condition.name,
            "slug": condition.slug,
            "section": section.pk,
            **extra,
        }

    # Editors 0 and 1 share a page (their saves can conflict); the others have one each.
    shared = page("Load shared draft", "Written by two editors at once.", writers[0])
    editing = [
        {
            "username": writer.username,
            "page": described(shared if n < 2 else page(f"Load draft {n}", "Draft.", writer)),
        }
        for n, writer in enumerate(writers)
    ]
    cycled = page("Load reviewed page", "Edited, submitted and approved again and again.", cycle_editor)
    reads = ["/", "/conditions/", "/search/?q=fever", "/search/?q=headache", "/api/conditions/"]
    for slug in slugs:
        reads += [f"/conditions/{slug}/", f"/api/conditions/{slug}/"]
    reads += [f"/conditions/{slugs[0]}/history/", "/sitemap.xml", "/feeds/updates/"]
    return {
        "editing": editing,
        "cycle": {
            "editor": cycle_editor.username,
            "reviewers": [reviewer.username for reviewer in reviewers],
            "page": described(cycled),
        },
        "reads": reads,
    }


def report(condition_ids: list[int]) -> dict:
    """For each page: its draft now, every version of it, its edits and its publications."""
    from reversion.models import Version

    from conditions.models import Condition, ReviewEvent

    pages = {}
    for condition in Condition.objects.filter(pk__in=condition_ids):
        section = condition.sections.get()
        events = Counter(condition.review_events.values_list("action", flat=True))
        publications = condition.publications.order_by("number")
        pages[str(condition.pk)] = {
            "summary": condition.summary,
            "overview": section.body,
            "status": condition.status,
            "summaries": [
                v.field_dict["summary"] for v in Version.objects.get_for_object(condition).order_by("pk")
            ],
            "overviews": [
                v.field_dict["body"] for v in Version.objects.get_for_object(section).order_by("pk")
            ],
            "edits": events[ReviewEvent.Action.EDIT],
            "submits": events[ReviewEvent.Action.SUBMIT],
            "approvals": events[ReviewEvent.Action.APPROVE],
            "publications": [
                {
                    "number": publication.number,
                    "summary": publication.summary,
                    "overview": publication.structured_data["sections"][0]["markdown"],
                }
                for publication in publications
            ],
            "live": condition.live_publication.number if condition.live_publication else None,
        }
    return pages


# --- browsers ----------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    text: str


@dataclass
class Browser:
    """One person's browser: its cookies, one connection per request, every answer counted.

    Cookies are sent whatever their Secure flag: the site runs with production settings (secure
    cookies) on plain-HTTP loopback.
    """

    base: str
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # no answer at all (socket errors)
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> Answer:
        return self._request("GET", path)

    def post(self, path: str, form: dict | list) -> Answer:
        token = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        pairs = list(form.items()) if isinstance(form, dict) else list(form)
        return self._request("POST", path, urlencode([*token.items(), *pairs]))

    def _request(self, method: str, path: str, body: str | None = None) -> Answer:
        parts = urlsplit(self.base)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.failures.append(f"{method} {path}: {error!r}")
            raise
        finally:
            connection.close()
        self.statuses[response.status] += 1
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, response.headers.get("Location", ""), text)

    def log_in(self, username: str) -> None:
        self.get("/admin/login/")
        answer = self.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})
        if answer.status != 302:
            raise AssertionError(f"{username} could not log in: {answer.status} {answer.text[:300]}")


def change_path(page: dict) -> str:
    return f"/admin/conditions/condition/{page['id']}/change/"


def change_form(page: dict, *, seen: str, summary: str, overview: str) -> dict:
    """The change form as the browser posts it: name and address kept, summary and overview new."""
    return {
        "name": page["name"],
        "slug": page["slug"],
        "also_called": "",
        "summary": summary,
        "review_interval_months": 36,
        "source_updated_on": "",
        "lock_version_seen": seen,
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 1,
        "sections-0-id": page["section"],
        "sections-0-condition": page["id"],
        "sections-0-kind": "overview",
        "sections-0-heading": "",
        "sections-0-body": overview,
        "sections-0-position": 0,
        "short_answers-TOTAL_FORMS": 0,
        "short_answers-INITIAL_FORMS": 0,
        "condition_references-TOTAL_FORMS": 0,
        "condition_references-INITIAL_FORMS": 0,
    }


def save_page(browser: Browser, page: dict, *, summary: str, overview: str) -> Answer:
    """Open the page's change form and save it with a new summary and overview."""
    opened = browser.get(change_path(page))
    if opened.status != 200:
        return opened
    seen = re.search(r'name="lock_version_seen" value="(\d+)"', opened.text).group(1)
    return browser.post(change_path(page), change_form(page, seen=seen, summary=summary, overview=overview))


# --- the workload ------------------------------------------------------------------------------------


@dataclass
class EditorLog:
    username: str
    page: dict
    saved: list[str] = field(default_factory=list)  # summaries the site said it saved, in order
    conflicts: int = 0
    unexpected: list[str] = field(default_factory=list)


def keep_editing(browser: Browser, log: EditorLog, deadline: float) -> None:
    """Save the page again and again, a counter in the text, until the deadline."""
    n = 0
    while time.monotonic() < deadline:
        n += 1
        summary = f"{log.username}, save {n}."
        answer = save_page(
            browser, log.page, summary=summary, overview=f"Overview by {log.username}, save {n}."
        )
        if answer.status == 302:
            log.saved.append(summary)
        elif answer.status == 200 and CONFLICT in answer.text:
            log.conflicts += 1
        else:
            log.unexpected.append(f"save {n}: {answer.status} {answer.text[:300]!r}")


@dataclass
class CycleLog:
    approved: list[str] = field(default_factory=list)  # summaries approved, one a cycle, in order
    refused: int = 0  # the other reviewer's approve of the same version, refused
    unexpected: list[str] = field(default_factory=list)


APPROVAL = [("kind", "clinical"), ("text", "Checked.")] + [
    ("attestation", item) for item in ("accurate", "evidence", "references", "patients")
]


def decision_fields(review_screen: str) -> list[tuple[str, str]]:
    """The hidden fields naming the version in review, as the review screen's forms carry them."""
    return re.findall(r'name="(reviewed_revision|reviewed_hash)" value="([^"]*)"', review_screen)[:2]


def all_at_once(browsers: list[Browser], path: str, form: list) -> list[str]:
    """Each browser posts the form at the same moment; the page each is sent to next, as text."""
    start = threading.Barrier(len(browsers))
    said = [""] * len(browsers)

    def post(i: int) -> None:
        start.wait(timeout=30)
        answer = browsers[i].post(path, form)
        said[i] = browsers[i].get(answer.location).text if answer.status == 302 else str(answer.status)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return said


def keep_reviewing(
    editor: Browser, reviewers: list[Browser], page: dict, log: CycleLog, deadline: float
) -> None:
    """Edit, submit, and have both reviewers approve at the same moment, until the deadline."""
    workflow = f"/admin/conditions/condition/{page['id']}/workflow/"
    n = 0
    while time.monotonic() < deadline:
        n += 1
        summary = f"Reviewed page, version {n}."
        saved = save_page(editor, page, summary=summary, overview=f"Reviewed overview, version {n}.")
        submitted = editor.post(f"{workflow}submit/", {"text": ""})
        told = editor.get(submitted.location) if submitted.status == 302 else submitted
        if saved.status != 302 or "submitted for expert review" not in told.text:
            log.unexpected.append(
                f"cycle {n}: save {saved.status}, submit {submitted.status} {told.text[:300]!r}"
            )
            return
        # Each reviewer reads the review screen, whose forms name the version read.
        version = decision_fields(reviewers[0].get(f"/admin/conditions/condition/{page['id']}/review/").text)
        said = all_at_once(reviewers, f"{workflow}approve/", APPROVAL + version)
        approved = sum(f"“{page['name']}”: approved." in text for text in said)
        refused = sum("is not in expert review" in text for text in said)
        if (approved, refused) != (1, len(reviewers) - 1):
            log.unexpected.append(f"cycle {n}: {approved} approvals, {refused} refusals")
            return
        log.approved.append(summary)
        log.refused += refused


# --- wrk ---------------------------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  n = 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%%d": %%d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %%d, "statuses": {%%s}, "errors": {"connect": %%d, "read": %%d, '
    .. '"write": %%d, "timeout": %%d, "status": %%d}}\\n',
    summary.requests, table.concat(parts, ", "), e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def wrk_script(paths: list[str]) -> str:
    return WRK_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in paths)}


def wrk_result(output: str) -> dict:
    """The counts the script's done() printed: requests, statuses, socket errors."""
    line = next(line for line in output.splitlines() if line.startswith("WRK-RESULT "))
    result = json.loads(line.removeprefix("WRK-RESULT "))
    result["statuses"] = {int(status): count for status, count in result["statuses"].items()}
    return result


def main(argv: list[str]) -> None:
    import django
    from django.db import transaction

    django.setup()
    command, out, *args = argv
    if command == "seed":
        with transaction.atomic():
            result = seed(int(args[0]))
    elif command == "report":
        result = report([int(arg) for arg in args])
    else:
        raise SystemExit(f"unknown command {command!r}")
    with open(out, "w") as file:
        json.dump(result, file)


if __name__ == "__main__":
    main(sys.argv[1:])
