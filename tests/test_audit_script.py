"""The dependency audit's verdict (.ci/audit.py): a known vulnerability always fails; an audit that
could not be done fails unless told it may not be possible here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "audit", Path(__file__).resolve().parents[1] / ".ci" / "audit.py"
)
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2025-1", "aliases": ["CVE-2025-0001"], "fix_versions": ["5.2.2"]}],
}
SKIPPED = {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited: nh3 (0.3.8)"}


@pytest.mark.parametrize("offline_ok", [False, True])
def test_a_known_vulnerability_always_fails(offline_ok):
    status, message = audit.verdict({"dependencies": [VULNERABLE, SKIPPED]}, "", offline_ok=offline_ok)
    assert status == 1
    assert "django 5.2.1: PYSEC-2025-1 (CVE-2025-0001); fixed in 5.2.2" in message


def test_a_clean_audit_passes():
    assert audit.verdict({"dependencies": [CLEAN]}, "", offline_ok=False)[0] == 0


@pytest.mark.parametrize(
    ("report", "error"),
    [({"dependencies": [CLEAN, SKIPPED]}, ""), (None, "requests.exceptions.ConnectionError: api.osv.dev")],
)
def test_an_audit_not_done_fails_unless_allowed(report, error):
    status, message = audit.verdict(report, error, offline_ok=False)
    assert status == 1 and "DEPENDENCY AUDIT NOT DONE" in message
    status, message = audit.verdict(report, error, offline_ok=True)
    assert status == 0 and "DEPENDENCY AUDIT NOT DONE" in message
