"""The OpenAPI schema of every API operation documents its errors, in the one error shape, without per-view code."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

from core.api import ErrorSerializer

ERRORS = {
    "400": "The input or a query parameter is not valid: `extra.fields` names each one with its messages.",
    "403": "Not logged in, no valid token, or the caller may not do this.",
    "404": "No such object in the caller's area (missing and out of scope answer alike), or no such page of the list.",
    "429": "Too many attempts: wait and try again.",
}


class AutoSchema(openapi.AutoSchema):
    """Adds the error answers an operation can give, unless the view documents its own: 400 where it reads input,
    403 where it authenticates or checks permissions, 404 on objects and pages, 429 where it throttles. A 409 is
    documented by the view that can answer it (a reused Idempotency-Key)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # Object ids in paths are digits only (config.api.Router): an integer, not a patterned string.
            if parameter["in"] == "path" and parameter["schema"].get("pattern") == "^[0-9]+$":
                parameter["schema"] = {"type": "integer", "minimum": 0}
            elif parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                parameter["schema"].setdefault("minimum", 0)
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(path, operation):
            if code not in responses:
                responses[code] = self._get_response_for_code(OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code)
            elif code in ERRORS and not responses[code].get("description"):
                responses[code]["description"] = ERRORS[code]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, path, operation):
        query = [parameter for parameter in operation.get("parameters", []) if parameter["in"] == "query"]
        if self.method not in ("GET", "HEAD") or query:
            yield "400"
        if self.view.authentication_classes or self.view.permission_classes:
            yield "403"
        if "{" in path or any(parameter["name"] == "page" for parameter in query):
            yield "404"
        if self.view.throttle_classes:
            yield "429"
