"""The API's one error shape: every 4xx and 5xx answer is `{"error": {status, code, message, details}}`."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status code, repeated for clients that only see the body.")
    code: str = Field(description="Stable machine-readable code, e.g. not_found, invalid_parameter.")
    message: str = Field(description="What went wrong, in plain English.")
    details: list[dict[str, Any]] = Field(default_factory=list, description="Per-parameter problems, if any.")


class ErrorResponse(BaseModel):
    """The one shape of every 4xx and 5xx response."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Bad request"},
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "A parameter is invalid"},
}


def error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(status=status, code=code, message=message, details=details or []))
    return JSONResponse(body.model_dump(), status_code=status)


class ApiError(HTTPException):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail=message, headers=headers)
        self.code = code


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, "not_found", f"no {what} '{ident}'")


RETRY_AFTER = "5"


def index_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """503 for a missing or unreadable index, and a nudge to whatever rebuilds it.

    With a reindexer (`standards serve`) the reindexer looks at the file and says what it
    finds, once; without one, the store logs it once.
    """
    reindexer = request.app.state.settings.get("reindexer")
    if reindexer is not None:
        reindexer.wake()
    else:
        request.app.state.index.report_unavailable(exc)
    response = error_response(
        503, "index_unavailable", "the index cannot be read just now; it is being rebuilt or replaced, try again"
    )
    response.headers["Retry-After"] = RETRY_AFTER
    return response
