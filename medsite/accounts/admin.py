"""Preferences in the admin: each person's own "Your preferences" page (linked from the user tools
at the top of every admin screen), and the preferences on the user admin, for superusers.

Nobody edits another person's preferences on the first: it has no id in its address and only
ever reads and writes the signed-in person's own row. ``admin.site.admin_view`` in
medsite/urls.py asks for a staff sign-in.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from medsite.accounts.display import when
from medsite.accounts.models import Preferences
from medsite.accounts.timezones import remember, zone_named
from medsite.admin_input import acting_user


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["time_zone"]


def preferences_view(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own preferences: shown on GET, saved on POST."""
    user = acting_user(request)
    mine = Preferences.objects.filter(user=user).first() or Preferences(user=user)
    form = PreferencesForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        remember(request, saved.time_zone)
        zone = zone_named(saved.time_zone)
        messages.success(
            request,
            f"Your preferences were saved. Times are shown in {saved.time_zone}: "
            f"it is now {when(timezone.now(), zone)}.",
        )
        return HttpResponseRedirect(reverse("preferences"))
    context = {
        **admin.site.each_context(request),
        "title": "Your preferences",
        "form": form,
        "now": timezone.now(),
    }
    return TemplateResponse(request, "admin/accounts/preferences.html", context)


class PreferencesInline(admin.StackedInline):
    """A user's preferences on their user admin page (superusers only, as the page is)."""

    model = Preferences
    form = PreferencesForm
    can_delete = False
    extra = 1
    max_num = 1
