"""What a locked-out login sees: the time the lock ends, on the login page and in the API's error shape."""

import datetime as dt

from axes.helpers import get_client_ip_address, get_client_parameters, get_client_user_agent, get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _


def locked_until(request, credentials) -> dt.datetime:
    """The end of the lock: the last failure of each locked combination (account and address, or address) plus the cool-off."""
    cool_off = get_cool_off(request)
    now = timezone.now()
    limit = get_failure_limit(request, credentials)
    username = get_client_username(request, credentials)
    ends = []
    for lookup in get_client_parameters(username, get_client_ip_address(request), get_client_user_agent(request), request, credentials):
        counted = AccessAttempt.objects.filter(**lookup, attempt_time__gte=now - cool_off).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        if (counted["failures"] or 0) >= limit:
            ends.append(counted["last"] + cool_off)
    # Axes records no failures while locked, so each lock ends a cool-off after its last failure; every lock must have ended.
    return max(ends, default=now + cool_off)


def lockout_response(request, original_response=None, credentials=None):
    until = timezone.localtime(locked_until(request, credentials))
    message = _("Too many failed logins. Locked until %(time)s; try again then, or ask your community or street office to check the account.") % {
        "time": time_format(until, "H:i")
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "extra": {"locked_until": until.isoformat()}}, status=settings.AXES_HTTP_RESPONSE_CODE)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"message": message, "locked_until": until}, status=settings.AXES_HTTP_RESPONSE_CODE)
