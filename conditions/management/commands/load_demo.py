"""Set up the local demo: role accounts with known passwords, and published condition pages."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conditions.demo import ADMIN_URL, SITE_URL, DemoReport, load_demo
from conditions.workflow import WorkflowError


class Command(BaseCommand):
    help = (
        "Create the demo accounts (editor, two medical reviewers, admin) and publish the demo "
        "condition pages through the review workflow. Safe to run again. Local development only."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts with published passwords, so it only runs with debug on "
                "(DJANGO_DEBUG=1, the local default). It is not for a production site."
            )
        try:
            report = load_demo()
        except WorkflowError as exc:
            raise CommandError(f"The demo could not be loaded, and nothing was written: {exc}") from exc
        self._print_report(report)

    def _print_report(self, report: DemoReport) -> None:
        out = self.stdout
        if report.created_references:
            out.write(f"References added: {len(report.created_references)}.")
        if report.created_images:
            out.write(f"Images added: {', '.join(report.created_images)}.")
        if report.published:
            out.write(self.style.SUCCESS(f"Published: {', '.join(report.published)}."))
        if report.in_review:
            out.write(f"Waiting in expert review: {', '.join(report.in_review)}.")
        if report.already_present:
            out.write(f"Already present, left as they are: {', '.join(report.already_present)}.")
        out.write("")
        out.write(self.style.WARNING("LOCAL DEMO ACCOUNTS — for this machine only, never for a real site:"))
        width = max(len(account.username) for account in report.accounts) + 2
        pwidth = max(len(account.password) for account in report.accounts) + 2
        out.write(f"  {'username'.ljust(width)}{'password'.ljust(pwidth)}role")
        for account in report.accounts:
            role = (
                f"{account.role}; signs as {account.display_name}" if account.display_name else account.role
            )
            out.write(f"  {account.username.ljust(width)}{account.password.ljust(pwidth)}{role}")
        out.write("")
        out.write(f"Site:  {SITE_URL}")
        out.write(f"Admin: {ADMIN_URL}")
