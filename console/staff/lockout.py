"""Login lockout with two limits (django-axes' database handler, one method changed).

Axes counts failures per parameter set and applies one limit to all of them. The console
needs two: an account is locked *from one address* after CONSOLE_LOGIN_FAILURE_LIMIT
failures (so a stranger cannot lock a clinician out everywhere), and an address is
locked for every account after CONSOLE_ADDRESS_FAILURE_LIMIT failures (so a guesser who
rotates usernames is stopped too, while a few colleagues' typos behind one hospital
address do not lock everybody out). settings.AXES_LOCKOUT_PARAMETERS lists the two
sets in this order.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class ConsoleLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Failures of this account from this address, or the account limit as soon as
        the address alone has reached its own limit."""
        account_and_address, address = self.get_user_attempts(request, credentials)
        failures = _failures(account_and_address)
        if _failures(address) >= settings.CONSOLE_ADDRESS_FAILURE_LIMIT:
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful login, forget that account's failures from that address
        only; other accounts' failures from the address still count."""
        account_and_address = self.filter_user_attempts(request, credentials)[0]
        deleted, _ = account_and_address.delete()
        return deleted
