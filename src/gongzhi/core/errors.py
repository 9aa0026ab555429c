"""One error shape for the whole platform: `code`, `message` (in the request's language) and `fields`."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


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

    @classmethod
    def from_validation(cls, exc: ValidationError) -> "ServiceError":
        """A model's `full_clean()` failure as the platform's error, field by field."""
        fields = {name: "；".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
        return cls(_("输入有误，请检查标出的字段。"), fields=fields)

    def to_form(self, form: Any) -> None:
        """Show this error on a Django form: the message on top, field messages in place."""
        form.add_error(None, str(self.message))
        for name, text in self.fields.items():
            if name in form.fields:
                form.add_error(name, str(text))


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
