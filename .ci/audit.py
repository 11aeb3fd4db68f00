"""Known vulnerabilities in the installed Python packages, by pip-audit (`make audit`, CI).

Audits the environment this interpreter runs in (the project's venv: runtime and development
packages, as installed from requirements*.txt). A known vulnerability always fails. An audit that
could not be done (no advisory service reachable, or packages it could not look up) is not a pass:
it fails too, unless AUDIT_OFFLINE_OK=1, which turns it into a loud warning for machines that reach
only a package mirror. Arguments are passed on to pip-audit, e.g. to use an OSV mirror:
``-s osv --osv-url https://osv.example/v1/query``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

RULE = "=" * 78


def verdict(report: dict | None, error: str, *, offline_ok: bool) -> tuple[int, str]:
    """The exit status and what to say, from pip-audit's JSON report (None if it gave none)."""
    if report is None:
        return _not_done([f"pip-audit could not run: {error.strip() or 'no report'}"], 0, offline_ok)
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    if vulnerable:
        lines = [RULE, f"KNOWN VULNERABILITIES in {len(vulnerable)} installed package(s):"]
        for dep in vulnerable:
            for vuln in dep["vulns"]:
                aliases = f" ({', '.join(vuln['aliases'])})" if vuln.get("aliases") else ""
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
                lines.append(f"  {dep['name']} {dep['version']}: {vuln['id']}{aliases}; fixed in {fixed}")
        lines.append("Raise the lower bound in requirements*.txt past the fixed release, then `make setup`.")
        if skipped:
            lines.append(f"({len(skipped)} other package(s) could not be checked at all.)")
        return 1, "\n".join([*lines, RULE])
    if skipped:
        reasons = [f"{dep['name']}: {dep['skip_reason']}" for dep in skipped]
        return _not_done(reasons, len(dependencies), offline_ok)
    return 0, f"pip-audit: no known vulnerabilities in {len(dependencies)} installed packages."


def _not_done(reasons: list[str], total: int, offline_ok: bool) -> tuple[int, str]:
    counted = f" for {len(reasons)} of {total} packages" if total else ""
    lines = [
        RULE,
        f"DEPENDENCY AUDIT NOT DONE: no vulnerability advisories could be read{counted}.",
        *(f"  {reason}" for reason in reasons[:5]),
        *([f"  … and {len(reasons) - 5} more"] if len(reasons) > 5 else []),
        "These packages were NOT checked for known vulnerabilities. pip-audit needs PyPI's",
        "per-release JSON API (https://pypi.org/pypi/<name>/<version>/json), or an OSV service",
        "(-s osv, --osv-url).",
    ]
    if offline_ok:
        lines.append("AUDIT_OFFLINE_OK=1: carrying on without the audit.")
    return (0 if offline_ok else 1), "\n".join([*lines, RULE])


def main(arguments: list[str]) -> int:
    command = [
        sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off",
        "--skip-editable", *arguments,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = None
    error = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    offline_ok = os.environ.get("AUDIT_OFFLINE_OK", "0").strip().lower() in {"1", "true", "yes", "on"}
    status, message = verdict(report, error, offline_ok=offline_ok)
    print(message, file=sys.stderr if status or message.startswith(RULE) else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
