"""Errors engine operations raise; the web maps each to an HTTP status and shows its message."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error an operation raises on purpose; ``message`` is for people."""

    http_status = 400
    code = "engine_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    http_status = 404
    code = "not_found"


class Forbidden(EngineError):
    http_status = 403
    code = "forbidden"


class Conflict(EngineError):
    """The object changed under the caller, e.g. the task is no longer ready."""

    http_status = 409
    code = "conflict"


class ValidationFailed(EngineError):
    """Submitted data does not fit the declared form; ``field_errors`` maps field name → message."""

    http_status = 422
    code = "validation_failed"

    def __init__(self, message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field_errors = field_errors or {}


class RevisionLimitExceeded(EngineError):
    """A dossier was sent back more often than TDKT_MAX_RETURNS allows."""

    http_status = 409
    code = "revision_limit"


class DeployError(EngineError):
    """A BPMN/DMN file cannot be deployed; says which file, which element and what is wrong."""

    http_status = 422
    code = "deploy_error"

    def __init__(self, file: str, element_id: str | None, problem: str) -> None:
        where = f"{file}: element {element_id}" if element_id else file
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.element_id = element_id
        self.problem = problem
