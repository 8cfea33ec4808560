"""Errors of the SignalEngine client: every answer of the service that is not a success is a ProblemDetails
(RFC 9457), and its fields are on the exception."""
from __future__ import annotations

from typing import Any, Mapping


class SignalEngineError(Exception):
    """Anything the client could not do."""


class TransportError(SignalEngineError):
    """The service could not be reached, or did not answer in time (after the retries)."""


class ApiError(SignalEngineError):
    """The service answered with an error: its status and the ProblemDetails it sent."""

    def __init__(self, status: int, problem: Mapping[str, Any] | None = None, retry_after: float | None = None):
        self.status = status
        self.problem: dict[str, Any] = dict(problem or {})
        self.type: str | None = self.problem.get("type")
        self.title: str | None = self.problem.get("title")
        self.detail: str | None = self.problem.get("detail")
        self.instance: str | None = self.problem.get("instance")
        self.trace_id: str | None = self.problem.get("traceId")
        #: For a 400: the problems by field, e.g. {"items[3].features.rsi_14": ["missing"]}.
        self.errors: dict[str, list[str]] = dict(self.problem.get("errors") or {})
        self.retry_after = retry_after
        message = f"{status} {self.title or 'error'}"
        if self.detail:
            message += f": {self.detail}"
        if self.errors:
            message += "; " + "; ".join(f"{field}: {', '.join(why)}" for field, why in self.errors.items())
        super().__init__(message)


class ValidationError(ApiError):
    """400: the request is invalid; `errors` names each field and item index."""


class AuthenticationError(ApiError):
    """401: no API key, or one the service does not know."""


class PermissionDenied(ApiError):
    """403: the API key lacks the role the endpoint needs."""


class NotFound(ApiError):
    """404: no such signal or model version."""


class Conflict(ApiError):
    """409 or 422: e.g. an Idempotency-Key reused with another body, or a LIME view of a model no longer served."""


class RateLimited(ApiError):
    """429: the key's budget is spent; `retry_after` says for how long (seconds)."""


class ServiceUnavailable(ApiError):
    """503 or 504: the store or the audit log refused the request, or it took too long. Nothing of it was kept."""


_BY_STATUS = {400: ValidationError, 401: AuthenticationError, 403: PermissionDenied, 404: NotFound, 409: Conflict,
              413: ValidationError, 415: ValidationError, 422: Conflict, 429: RateLimited, 503: ServiceUnavailable,
              504: ServiceUnavailable}


def error_for(status: int, problem: Mapping[str, Any] | None, retry_after: float | None = None) -> ApiError:
    return _BY_STATUS.get(status, ApiError)(status, problem, retry_after)
