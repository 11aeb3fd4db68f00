"""The production settings file, read by manage.py (and so by cron's commands) and by gunicorn."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from medsite.envfile import EnvFileError, load, parse

ROOT = Path(__file__).resolve().parents[2]
# What cron gives a command: no DJANGO_*, no DATABASE_URL, a minimal PATH.
CRON_ENVIRONMENT = {"HOME": "/root", "LOGNAME": "root", "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"}


def test_parse_reads_names_values_quotes_exports_and_comments():
    text = (
        "# MedSite production settings\n"
        "DJANGO_DEBUG=0\n"
        "export DATABASE_URL=postgres://medsite@db.internal/medsite\n"
        "SECRET_KEY='a key with spaces # and a hash'\n"
        'MEDSITE_SITE_NAME="Clinic Notes"\n'
        "\n"
        "EMPTY=\n"
    )
    assert parse(text) == {
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": "postgres://medsite@db.internal/medsite",
        "SECRET_KEY": "a key with spaces # and a hash",
        "MEDSITE_SITE_NAME": "Clinic Notes",
        "EMPTY": "",
    }


def test_parse_names_the_line_it_cannot_read():
    with pytest.raises(EnvFileError, match=r"env, line 2: expected NAME=value"):
        parse("DJANGO_DEBUG=0\nthis is not a setting\n", source="/etc/medsite/env")


def test_no_file_on_a_development_machine_changes_nothing(tmp_path):
    environ: dict[str, str] = {}
    assert load(environ, default=tmp_path / "absent") is None
    assert environ == {}


def test_the_default_file_is_read_and_the_environment_wins(tmp_path):
    settings_file = tmp_path / "env"
    settings_file.write_text("DATABASE_URL=postgres://db/medsite\nDJANGO_DEBUG=0\nLOG_LEVEL=INFO\n")
    environ = {"LOG_LEVEL": "DEBUG"}
    assert load(environ, default=settings_file) == settings_file
    assert environ == {"DATABASE_URL": "postgres://db/medsite", "DJANGO_DEBUG": "0", "LOG_LEVEL": "DEBUG"}


def test_a_named_file_that_is_missing_is_refused(tmp_path):
    with pytest.raises(
        EnvFileError, match=r"cannot read the settings file .*Refusing to run on the local SQLite"
    ):
        load({"MEDSITE_ENV_FILE": str(tmp_path / "missing")}, default=tmp_path / "absent")


def test_a_file_without_a_database_is_refused(tmp_path):
    settings_file = tmp_path / "env"
    settings_file.write_text("DJANGO_DEBUG=0\n")
    with pytest.raises(EnvFileError, match="sets no DATABASE_URL"):
        load({"MEDSITE_ENV_FILE": str(settings_file)})


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_cron_command_refuses_the_sqlite_fallback_with_a_clear_message(tmp_path):
    settings_file = tmp_path / "env"
    settings_file.write_text("DJANGO_DEBUG=0\nSECRET_KEY=x\n")
    done = _manage("publish_scheduled", env={**CRON_ENVIRONMENT, "MEDSITE_ENV_FILE": str(settings_file)})
    assert done.returncode == 1
    assert "sets no DATABASE_URL" in done.stderr and "SQLite" in done.stderr
    assert "no such table" not in done.stderr


def test_cron_command_with_the_settings_file_runs_on_the_database_it_names(tmp_path):
    database = tmp_path / "site.sqlite3"
    settings_file = tmp_path / "env"
    settings_file.write_text(
        "DJANGO_DEBUG=0\n"
        f"SECRET_KEY={secrets.token_hex(32)}\n"
        "ALLOWED_HOSTS=medsite.example\n"
        f"DATABASE_URL=sqlite:///{database}\n"
        f"PAGE_CACHE_VERSION_FILE={tmp_path / 'page-cache-version'}\n"
    )
    env = {**CRON_ENVIRONMENT, "MEDSITE_ENV_FILE": str(settings_file)}
    migrated = _manage("migrate", "--noinput", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    done = _manage("publish_scheduled", env=env)
    assert done.returncode == 0, done.stderr
    assert "Nothing was due to go live." in done.stdout


def _gunicorn(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", *args, "medsite.wsgi"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_gunicorn_reads_the_same_settings_file(tmp_path):
    settings_file = tmp_path / "env"
    settings_file.write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'site.sqlite3'}\nBIND=127.0.0.1:8123\n")
    done = _gunicorn("--print-config", env={**CRON_ENVIRONMENT, "MEDSITE_ENV_FILE": str(settings_file)})
    assert done.returncode == 0, done.stderr
    assert re.search(r"^bind\s*=\s*\['127\.0\.0\.1:8123'\]$", done.stdout, re.MULTILINE)


def test_gunicorn_refuses_a_settings_file_without_a_database(tmp_path):
    settings_file = tmp_path / "env"
    settings_file.write_text("DJANGO_DEBUG=0\n")
    done = _gunicorn("--check-config", env={**CRON_ENVIRONMENT, "MEDSITE_ENV_FILE": str(settings_file)})
    assert done.returncode != 0
    assert "gunicorn.conf.py: the settings file" in done.stderr and "sets no DATABASE_URL" in done.stderr
