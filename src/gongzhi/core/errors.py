"""One error shape for the whole platform: `code`, `message` (in the request's language) and `fields`."""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise


class ServiceError(Exception):
    """A refused write or read; services raise it, the API and pages render it in one shape."""

    status = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: Mapping[str, str | Promise] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.fields = dict(fields or {})
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: str(text) for name, text in self.fields.items()},
        }


class NotFound(ServiceError):
    """Missing and out-of-scope objects raise the same error (no existence oracle)."""

    status = 404
    default_code = "not_found"


class Forbidden(ServiceError):
    status = 403
    default_code = "forbidden"


class Conflict(ServiceError):
    status = 409
    default_code = "conflict"
