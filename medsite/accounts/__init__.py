"""The people who use the admin: how they are named, and the preferences each sets for themselves
(the time zone every time is shown in).

A Django app (label ``accounts``): :class:`~medsite.accounts.models.Preferences` is its one
model. :mod:`.display` names people and formats times, the one place either is done;
:mod:`.timezones` shows each request in its reader's zone. Like the audit log, it is shared by
the content apps and imports neither of them.
"""
