"""The edit page's heartbeat: who else has the page open, and whether it was saved since, as JSON.

static/js/editing-session.js posts here when the edit page opens, every ``presence.HEARTBEAT``
while it is open, and once more (``state=leave``) when it is left. POST only, and only for
staff who may change condition pages; CSRF-checked like every POST. A database that fails
answers 503 with nobody listed: the edit page goes on without its presence notice.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction
from django.http import HttpRequest, JsonResponse

from conditions import presence
from conditions.models import Condition
from conditions.permissions import EDIT
from medsite.admin_input import acting_user, parse_id

logger = logging.getLogger(__name__)

# A lock version as the edit form holds it (a PositiveIntegerField).
_MAX_LOCK_VERSION = 2**31 - 1


def _lock_version(value: str | None) -> int | None:
    if value is None or not value.isdigit() or int(value) > _MAX_LOCK_VERSION:
        return None
    return int(value)


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message, "others": [], "newer": None}, status=status)


def _as_json(found: presence.Presence) -> dict:
    newer = found.newer
    return {
        "others": [
            {"name": other.name, "since": other.since.isoformat(), "text": other.text}
            for other in found.others
        ],
        "newer": newer
        and {"saved_by": newer.saved_by, "saved_at": newer.saved_at.isoformat(), "text": newer.text},
        "heartbeat": int(presence.HEARTBEAT.total_seconds()),
    }


def editing_session(request: HttpRequest, condition_id: int) -> JsonResponse:
    """Report that the user has the page open (or, with ``state=leave``, has left it).

    Queries, however many people are on the page: session, user, permissions (2), the page with
    its last editor, then those of ``presence.beat`` (the user's session, the others).
    """
    if request.method != "POST":
        response = _refused("Post to report an open edit page.", 405)
        response["Allow"] = "POST"
        return response
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm(EDIT)):
        return _refused("You do not have permission to edit condition pages.", 403)
    pk = parse_id(Condition, condition_id)
    leaving = request.POST.get("state") == "leave"
    try:
        with transaction.atomic():
            condition = Condition.objects.select_related("updated_by__reviewer_profile").filter(pk=pk).first()
            if condition is None:
                return _refused("There is no such condition page.", 404)
            if leaving:
                presence.leave(condition, acting_user(request))
                return JsonResponse({"others": [], "newer": None})
            found = presence.beat(
                condition, acting_user(request), lock_version=_lock_version(request.POST.get("lock_version"))
            )
    except DatabaseError:
        # Presence is a courtesy: never worth an error on the edit page.
        logger.warning("Editing session of condition %s not recorded", pk, exc_info=True)
        return _refused("Who else is editing cannot be shown just now.", 503)
    return JsonResponse(_as_json(found))
