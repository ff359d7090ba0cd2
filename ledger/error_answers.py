"""How the ledger answers an exception, in one table: FastAPI's exception handlers
(ledger.api) and the money routes' own path (ledger.money_path) both answer from it."""

import logging
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import Scope

from ledger import bodies
from ledger.errors import ApiError, BadRequest

log = logging.getLogger("ledger.api")

CLOSE = {"Connection": "close"}  # after a refused body: the rest of it must not be read
HANDLED = (
    ApiError,
    RequestValidationError,
    StarletteHTTPException,
    OperationalError,
    DataError,
    Exception,
)

Answer = tuple[int, dict[str, Any], dict[str, str] | None]


def validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":  # loc is (body, char): say what the parser said
            pos = err["loc"][-1] if err.get("loc") else 0
            at = f" at char {pos}" if isinstance(pos, int) and pos > 0 else ""
            parts.append(f"body: JSON decode error{at}: {err.get('ctx', {}).get('error', '')}")
            continue
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        # Our own validators' messages (ledger.limits) read plainly, without pydantic's prefix.
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts) or "malformed request"


def _note(scope: Scope, code: str) -> None:
    scope.setdefault("state", {})["error_code"] = code  # for the access log and metrics


def answer(exc: Exception, scope: Scope, metrics: Any) -> Answer:
    """(status, JSON body, headers) of the contract's error answer to `exc`, raised while
    answering the request of `scope`; an unexpected one is counted in `metrics`."""
    if isinstance(exc, ApiError):
        _note(scope, exc.code)
        return exc.status, exc.to_json(), exc.headers
    if isinstance(exc, RequestValidationError):
        return 422, BadRequest(validation_message(exc)).to_json(), None
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 400:  # FastAPI could not parse the body (not UTF-8, too deep)
            return BadRequest.status, BadRequest(f"body: {exc.detail}").to_json(), None
        if exc.status_code == 413:  # over the route's limit (ledger.bodies), seen while reading
            return 413, bodies.too_large(scope.get(MAX_BODY_SIZE_SCOPE_KEY)), CLOSE
        codes = {404: "not_found", 405: "method_not_allowed"}
        body = {"error": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)}
        return exc.status_code, body, None
    if isinstance(exc, OperationalError):
        log.warning("database unavailable: %s", exc)
        return 503, {"error": "unavailable", "message": "the ledger database is unavailable"}, None
    if isinstance(exc, DataError):
        # The database refused a value of this request (out of range, a byte it cannot store):
        # input the checks of ledger.limits missed. Repeating it cannot succeed, so a 422 (a
        # kiosk stops retrying it), not a 500; logged once per kind, it is still a bug to fix.
        metrics.unexpected_error(exc, "value refused by the database:")
        _note(scope, BadRequest.code)
        body = BadRequest("a value in this request is outside what the ledger stores").to_json()
        return BadRequest.status, body, None
    metrics.unexpected_error(exc)
    _note(scope, "internal")
    return 500, {"error": "internal", "message": "internal error"}, None
