"""The one JSON error shape every API endpoint answers with.

``{"error": {"status": 400, "message": "sort: Select a valid choice…", "fields": {…}}}``
"""

from django.http import JsonResponse


def json_error(status: int, message: str, fields: dict | None = None) -> JsonResponse:
    body = {"error": {"status": status, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
