from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.params import BadQuery


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs login; views opt out with @login_not_required.

    The API is left to DRF, which authenticates tokens too and answers 401/403 in the API's error shape.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PasswordChangeRequiredMiddleware:
    """Someone whose password was set by another person (a reset, a new account) sees only the password change page until they change it.

    The API answers 403 instead (governance.api_auth.PasswordChangeNotPending), since DRF authenticates tokens in the view.
    """

    ALLOWED_URL_NAMES = ("password_change", "password_change_done", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        pending = user is not None and user.is_authenticated and user.must_change_password
        if pending and not request.path.startswith("/api/") and request.path not in {reverse(name) for name in self.ALLOWED_URL_NAMES}:
            return redirect("password_change")
        return self.get_response(request)


class UploadLimitMiddleware:
    """Refuses a request body above UPLOAD_MAX_REQUEST_BYTES from its declared length, before anything reads it.

    CSRF and the forms read the body only at view time, so this check runs first wherever it sits in the chain.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.UPLOAD_MAX_REQUEST_BYTES:
            return self.get_response(request)
        message = _("What you sent is too large: at most %(megabytes)d MB at a time. Send fewer or smaller photos.") % {
            "megabytes": settings.UPLOAD_MAX_REQUEST_BYTES // (1024 * 1024)
        }
        if request.path.startswith(("/api/", "/open311/")):
            return JsonResponse({"message": message, "extra": {}}, status=413)
        return render(request, "413.html", {"message": message}, status=413)


class RefuseNulCharactersMiddleware:
    """No path, query parameter or posted form field may contain a NUL character: a 400 in the user's language.

    PostgreSQL cannot store or compare text containing NUL, so such a value reaching any filter or save would be a 500.
    Forms and API serializers refuse it field by field; this covers every value read straight from the path (tracking
    codes, card tokens), request.GET or request.POST, wherever it is read. JSON bodies are left to the API's serializers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        posted = request.POST if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data") else {}
        values = [request.path_info] + [text for params in (request.GET, posted) for key in params for text in (key, *params.getlist(key))]
        if any("\x00" in text for text in values):
            raise BadQuery(_("The text sent contains a NUL control character; please type it again."))
        return self.get_response(request)
