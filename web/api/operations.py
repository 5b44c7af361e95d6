"""Each API operation declared once: what it reads, who may call it, what it answers.

The declaration drives both the behaviour (authentication, permission, loading the query and
body, dumping the answer) and the OpenAPI document, so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import marshmallow
from flask import Response, current_app, jsonify, request
from marshmallow import Schema, fields

from core.errors import ValidationError
from core.permissions import Permission
from core.services.ticket_files import MAX_UPLOAD_BYTES, UploadedFile

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Operation:
    #: One line for the operation list.
    summary: str
    #: The schema of a successful answer (``None``: the view answers by itself).
    response: type[Schema] | None
    status: int = 200
    #: Schema of the query string, loaded by ``request_args()``.
    query: type[Schema] | None = None
    #: Schema of the JSON body, loaded by ``request_body()``.
    body: type[Schema] | None = None
    #: The field of a ``multipart/form-data`` body that carries files: the body may come as such a form, with the
    #: JSON body's fields and files under this name, up to ``MAX_UPLOAD_BYTES`` in all.
    files: str | None = None
    #: The permission the caller's team needs (403 without it).
    permission: Permission | None = None
    #: Answered without an API key.
    public: bool = False
    #: May answer 403 beyond ``permission``: the service decides from the caller's part in the object.
    forbids: bool = False
    #: May answer 409 when the request clashes with the data.
    conflicts: bool = False
    #: Accepts an ``Idempotency-Key`` (``web.api.idempotency``); its view answers with ``commit_and_respond``.
    idempotent: bool = False
    media_type: str = "application/json"
    description: str = ""


def operation(**declared: Any) -> Callable[[View], View]:
    """Declare a view's operation; put it under the route decorator."""

    def declare(view: View) -> View:
        view.operation = Operation(**declared)  # type: ignore[attr-defined]
        return view

    return declare


def operation_of(view: Callable[..., Any]) -> Operation | None:
    return getattr(view, "operation", None)


def current_operation() -> Operation:
    """The operation of the request being served; every API view has one."""
    found = operation_of(current_app.view_functions[request.endpoint or ""])
    if found is None:
        raise LookupError(f"the view {request.endpoint} declares no operation")
    return found


def flat_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error messages by dotted path (``lines.0.plan_id``), as problem details name fields."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": [str(message) for message in messages]}
    flat: dict[str, list[str]] = {}
    for key, nested in messages.items():
        flat.update(flat_messages(nested, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _load(schema: Schema, data: Any) -> dict[str, Any]:
    try:
        return schema.load(data)
    except marshmallow.ValidationError as error:
        raise marshmallow.ValidationError(flat_messages(error.messages)) from None


def request_args() -> dict[str, Any]:
    """Load the query string with the operation's query schema."""
    schema = current_operation().query
    if schema is None:
        raise LookupError(f"the view {request.endpoint} declares no query schema")
    return _load(schema(), request.args.to_dict())


def request_json() -> Any:
    """The JSON body (``None`` if it is not JSON); no body at all reads as ``{}``."""
    return request.get_json(silent=True) if request.get_data() else {}


def request_content() -> Any:
    """What a request says, for telling two requests apart: its JSON body, or a form's fields with each file's name
    and the hash of its bytes (the files are read to the end and put back, for the view to read)."""
    if request.mimetype != "multipart/form-data":
        return request_json()
    files = {}
    for name, uploads in request.files.lists():
        files[name] = [[upload.filename or "", hashlib.sha256(upload.read()).hexdigest()] for upload in uploads]
        for upload in uploads:
            upload.seek(0)
    return {"form": {name: values for name, values in request.form.lists()}, "files": files}


def request_body() -> dict[str, Any]:
    """Load the JSON body (or the form, for an operation that takes files) with the operation's body schema."""
    declared = current_operation()
    if declared.body is None:
        raise LookupError(f"the view {request.endpoint} declares no body schema")
    if declared.files is not None and request.mimetype == "multipart/form-data":
        return _form_body(declared.body(), declared.files)
    body = request_json()
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["Send a JSON object with Content-Type: application/json."]})
    return _load(declared.body(), body)


def allow_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Let a form with files, sent to an operation that takes them, weigh up to ``MAX_UPLOAD_BYTES``; any other
    request keeps the app's limit.

    Registered as a URL value preprocessor: those run before any ``before_request`` function reads the body."""
    declared = operation_of(current_app.view_functions[endpoint]) if endpoint else None
    if declared is not None and declared.files is not None and request.mimetype == "multipart/form-data":
        request.max_content_length = MAX_UPLOAD_BYTES


def _form_body(schema: Schema, files: str) -> dict[str, Any]:
    """The form's fields loaded as the JSON body's (a list field from its repeated values), its files under ``files``."""
    lists = {field.data_key or name for name, field in schema.fields.items() if isinstance(field, fields.List)}
    body = {name: values if name in lists or len(values) > 1 else values[0]
            for name, values in request.form.lists()}
    misplaced = {name: [f"Send files under {files} only."] for name in request.files if name != files}
    if misplaced:
        raise ValidationError(misplaced)
    loaded = _load(schema, body)
    loaded[files] = [UploadedFile(upload.filename or "", upload.read()) for upload in request.files.getlist(files)]
    return loaded


def respond(result: Any, headers: Mapping[str, str] | None = None) -> Response:
    """Dump ``result`` with the operation's response schema, with its declared status."""
    declared = current_operation()
    if declared.response is None:
        raise LookupError(f"the view {request.endpoint} declares no response schema")
    response = jsonify(declared.response().dump(result))
    response.status_code = declared.status
    response.headers.update(headers or {})
    return response
