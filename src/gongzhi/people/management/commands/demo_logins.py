"""`gongzhi demo_logins`: print the demo accounts, their roles and where they act."""

from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.core.roles import STAFF_ROLES, Role
from gongzhi.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from gongzhi.people.models import User


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is None:
                continue
            where = "、".join(f"{a.division.name}" for a in user.role_assignments.select_related("division"))
            factor = "TOTP" if account.role in STAFF_ROLES else "    "
            self.stdout.write(f"  {account.username:<18} {factor}  {Role(account.role).label}  @ {where}")
        self.stdout.write(
            "Staff (TOTP) accounts enrol an authenticator app at first sign-in; the page shows the QR code "
            "and the secret (e.g. `oathtool --totp -b SECRET`)."
        )
