#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # The production settings file, when there is one (medsite/envfile.py): cron's commands then
    # read the same settings as the app servers.
    from medsite.envfile import EnvFileError, load

    try:
        load()
    except EnvFileError as error:
        sys.exit(f"manage.py: {error}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
