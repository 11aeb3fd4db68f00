"""Ids, list filters and search terms from admin requests, kept from failing as server errors;
and the user an admin request acts for.

Django's admin lets a query string filter a list by any lookup on the model's own fields, and
turns values it cannot use into its "errors in the filter" answer; but some fail only once the
query runs: an id that is not a number (in this project's own admin views), a year or id
out of range, an invalid regular expression, a NUL character (PostgreSQL refuses them in
text), a search term too long for SQLite's LIKE. Each is refused here, or answered as the admin
answers any bad filter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.contrib.auth.models import User

    # A ModelAdmin mixin is checked as the ModelAdmin it is mixed into (its ``super()`` calls, the
    # admin's attributes); at run time it stays a plain class, leaving the admin's MRO as it was.
    ModelAdminMixin = ModelAdmin
else:
    ModelAdminMixin = object

MAX_SEARCH_LENGTH = 200
_REGEX_LOOKUPS = {"regex", "iregex"}


def _in_range(field: models.Field, number: int) -> bool:
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is None or number >= low) and (high is None or number <= high)


def parse_id(model: type[models.Model], value) -> int | None:
    """``value`` as a primary key of ``model`` the database can look up, or None."""
    try:
        number = model._meta.pk.to_python(value)
    except ValidationError:
        return None
    return number if isinstance(number, int) and _in_range(model._meta.pk, number) else None


def id_or_404(model: type[models.Model], value) -> int:
    number = parse_id(model, value)
    if number is None:
        raise Http404(f"No {model._meta.verbose_name} has the id “{value}”.")
    return number


def acting_user(request: HttpRequest) -> User:
    """The signed-in user an admin view acts for, as the workflow and the audit log record them.

    The admin site lets only active staff in (``AdminSite.admin_view``), so an anonymous user
    here means a view was mounted outside it: refused rather than recorded as nobody.
    """
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


class _CarefulChangeList(ChangeList):
    def get_results(self, request: HttpRequest) -> None:
        # A filter value the query cannot be built with (a year past 9999, an id past the
        # database's range) fails only here; the admin answers it as it does any bad filter.
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class CarefulAdminInput(ModelAdminMixin):
    """A ModelAdmin mixin: filters, searches and action selections the database could choke on
    are refused (400, or a message) rather than run."""

    def lookup_allowed(self, lookup: str, value, request=None) -> bool:
        # Both fail only in the database: an invalid pattern, and a NUL (PostgreSQL refuses it).
        values = value if isinstance(value, list) else [value]
        if _REGEX_LOOKUPS & set(lookup.split("__")) or any("\x00" in str(text) for text in values):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return _CarefulChangeList

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        search_term = search_term.replace("\x00", "")[:MAX_SEARCH_LENGTH]
        return super().get_search_results(request, queryset, search_term)

    def response_action(self, request: HttpRequest, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(parse_id(self.model, value) is None for value in selected):
            # A browser never sends these: the list's checkboxes hold ids.
            messages.error(request, "The selected items could not be read; select them again and retry.")
            return None
        return super().response_action(request, queryset)
