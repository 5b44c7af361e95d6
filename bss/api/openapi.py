"""The OpenAPI 3.1 document, generated from the routes under ``/api/v1`` and their operations.

Every route under the prefix appears, whichever blueprint (a plugin's too) registered it; a
route whose view declares no operation is listed as undocumented, and a test forbids those.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from flask import Flask
from marshmallow import Schema, fields, missing, validate
from werkzeug.routing import Rule

from core.services.idempotency import KEY_LIFETIME, KEY_MAX_LENGTH
from core.services.ticket_files import MAX_UPLOAD_BYTES
from web.api.fields import Id
from web.api.idempotency import HEADER, KEY_PATTERN, REPLAYED_HEADER
from web.api.operations import Operation, operation_of
from web.input_checks import ID_PATTERN

PREFIX = "/api/v1"
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_DIGITS = {"type": "string", "pattern": "^[0-9]+$"}
#: An id in a path (``web.input_checks.IdConverter``): another number matches no route.
_PATH_ID = {"type": "string", "pattern": ID_PATTERN}
#: Text the API reads holds no NUL: no database stores one (``web.input_checks`` refuses it everywhere).
_TEXT = r"^[^\u0000]*$"

#: JSON Schema of each field type; the most specific class in a field's MRO wins.
_FIELD_TYPES: dict[type[fields.Field], dict[str, Any]] = {
    Id: _DIGITS,
    fields.DateTime: {"type": "string", "format": "date-time"},
    fields.Date: {"type": "string", "format": "date"},
    fields.Email: {"type": "string", "format": "email"},
    fields.Url: {"type": "string", "format": "uri"},
    fields.UUID: {"type": "string", "format": "uuid"},
    fields.String: {"type": "string"},
    fields.Integer: {"type": "integer"},
    fields.Number: {"type": "number"},
    fields.Boolean: {"type": "boolean"},
    fields.Dict: {"type": "object"},
    fields.Field: {},
}

_ERRORS = {
    401: "No valid API key in `Authorization: Bearer <key>`.",
    403: "The key's team lacks the permission this needs.",
    404: "Not found, or not in your part of the account tree: the path's ids, and those the request names "
         "(in its query or body), must name things of yours.",
    409: "The change clashes with the current data.",
    413: f"The request is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, files and all.",
    422: "Invalid input: `fields` names each field at fault.",
}

_IDEMPOTENCY_KEY = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
    "description": "Makes retrying safe: a request sent again with its key is not carried out again but "
    f"answered as the first time, with `{REPLAYED_HEADER}: true`; the key with another request answers 409. "
    f"Keys are yours alone (per account); only answers of writes that succeeded are kept, for "
    f"{KEY_LIFETIME.total_seconds() / 3600:g} hours.",
}
_REPLAYED = {
    "description": "`true` when the answer is the one given to the first request with this Idempotency-Key.",
    "schema": {"type": "string", "enum": ["true"]},
}


class ProblemSchema(Schema):
    """An error, as RFC 9457 problem details."""

    type = fields.String(metadata={"description": "Always about:blank."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    invalid_fields = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "For invalid input (422): each field at fault and what is wrong with it."},
    )


class _Builder:
    """Builds the document's JSON Schemas. What a request holds (``reading``) is described as the API
    reads it, every constraint stated; what an answer holds, as the API writes it."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}
        self._classes: dict[str, type[Schema]] = {}
        self.reading = False
        #: Whether what was described since this was last reset names things by id (which must exist: 404 otherwise).
        self.names_ids = False
        self._naming_ids: dict[str, bool] = {}

    def ref(self, schema_class: type[Schema]) -> dict[str, Any]:
        name = schema_class.__name__.removesuffix("Schema")
        known = self._classes.setdefault(name, schema_class)
        if known is not schema_class:
            raise ValueError(f"two API schemas are named {name}: {known} and {schema_class}")
        if name not in self.schemas:
            self.schemas[name] = {}  # a placeholder stops recursion
            outer, self.names_ids = self.names_ids, False
            self.schemas[name] = self.object(schema_class())
            self._naming_ids[name] = self.names_ids
            self.names_ids = outer or self.names_ids
        elif self._naming_ids.get(name):
            self.names_ids = True
        return {"$ref": f"#/components/schemas/{name}"}

    def object(self, schema: Schema) -> dict[str, Any]:
        properties = {field.data_key or name: self.field(field) for name, field in schema.fields.items()}
        required = [field.data_key or name for name, field in schema.fields.items() if field.required]
        described: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            described["required"] = required
        described.update(getattr(schema, "json_schema", {}))
        if type(schema).__doc__:
            described["description"] = type(schema).__doc__.strip()
        return described

    def field(self, field: fields.Field) -> dict[str, Any]:
        described = self._shape(field)
        for validator in field.validators:
            _constrain(described, validator)
        if self.reading:
            if isinstance(field, Id):
                self.names_ids = True
            if described.get("type") == "string" and not {"pattern", "enum", "format"} & described.keys():
                described["pattern"] = _TEXT
        if description := field.metadata.get("description"):
            described["description"] = description
        if field.load_default is not missing and not callable(field.load_default):
            described["default"] = getattr(field.load_default, "value", field.load_default)
        if field.dump_only:
            described["readOnly"] = True
        if field.load_only:
            described["writeOnly"] = True
        return _nullable(described) if field.allow_none else described

    def _shape(self, field: fields.Field) -> dict[str, Any]:
        if "json_schema" in field.metadata:
            return dict(field.metadata["json_schema"])
        if self.reading and isinstance(field, Id):
            return dict(Id.json_schema)
        if isinstance(field, fields.Nested):
            target = self.ref(type(field.schema))
            return {"type": "array", "items": target} if field.many else target
        if isinstance(field, fields.List):
            return {"type": "array", "items": self.field(field.inner)}
        if isinstance(field, fields.Enum):
            values = [member.value if field.by_value else member.name for member in field.enum]
            return {"type": "string" if all(isinstance(v, str) for v in values) else "integer", "enum": values}
        if isinstance(field, fields.Dict) and field.value_field is not None:
            return {"type": "object", "additionalProperties": self.field(field.value_field)}
        if getattr(field, "as_string", False) and not isinstance(field, Id):
            return {"type": "string"}
        return next(dict(_FIELD_TYPES[cls]) for cls in type(field).__mro__ if cls in _FIELD_TYPES)


def _constrain(described: dict[str, Any], validator: Any) -> None:
    kind = described.get("type")
    if isinstance(validator, validate.OneOf):
        choices = [getattr(choice, "value", choice) for choice in validator.choices]
        allowed = described.get("enum")
        described["enum"] = [choice for choice in choices if allowed is None or choice in allowed]
    elif isinstance(validator, validate.Length):
        low, high = ("minItems", "maxItems") if kind == "array" else ("minLength", "maxLength")
        if validator.equal is not None:
            described[low] = described[high] = validator.equal
        if validator.min is not None:
            described[low] = validator.min
        if validator.max is not None:
            described[high] = validator.max
    elif isinstance(validator, validate.Regexp):
        described["pattern"] = validator.regex.pattern
    elif isinstance(validator, validate.NoneOf):
        described["not"] = {"enum": sorted(validator.iterable)}
    elif isinstance(validator, validate.Range) and kind in ("integer", "number"):
        if validator.min is not None:
            described["minimum" if validator.min_inclusive else "exclusiveMinimum"] = validator.min
        if validator.max is not None:
            described["maximum" if validator.max_inclusive else "exclusiveMaximum"] = validator.max


def _nullable(described: dict[str, Any]) -> dict[str, Any]:
    if isinstance(described.get("type"), str):
        described["type"] = [described["type"], "null"]
        if "enum" in described:
            described["enum"] = [*described["enum"], None]
        return described
    return {"anyOf": [described, {"type": "null"}]}


def _path_of(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    parameters = [
        {
            "name": match["name"],
            "in": "path",
            "required": True,
            "schema": dict(_PATH_ID) if match["converter"] == "int" else {"type": "string", "pattern": _TEXT},
        }
        for match in _ARGUMENT.finditer(rule.rule)
    ]
    return _ARGUMENT.sub(r"{\g<name>}", rule.rule), parameters


def _form(builder: _Builder, body: Schema, files: str) -> dict[str, Any]:
    """A ``multipart/form-data`` body: the JSON body's fields, and files (several) under ``files``."""
    described = builder.object(body)
    described["properties"][files] = {
        "type": "array",
        "items": {"type": "string", "contentMediaType": "application/octet-stream"},
        "description": "Files, each a part of its own under this name.",
    }
    return described


def _problem(builder: _Builder, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": builder.ref(ProblemSchema)}}}


def _operation(builder: _Builder, rule: Rule, declared: Operation | None) -> dict[str, Any]:
    path, parameters = _path_of(rule)
    tag = path.removeprefix(PREFIX).strip("/").split("/")[0] or "api"
    if declared is None:
        return {"operationId": rule.endpoint, "summary": "(undocumented)", "tags": [tag],
                "parameters": parameters, "responses": {"default": {"description": "Undocumented."}}}
    builder.reading, builder.names_ids = True, False
    if declared.query is not None:
        for name, field in declared.query().fields.items():
            schema = builder.field(field)
            parameter = {"name": field.data_key or name, "in": "query", "required": field.required}
            if "description" in schema:
                parameter["description"] = schema.pop("description")
            parameters.append({**parameter, "schema": schema})
    if declared.idempotent:
        parameters.append(dict(_IDEMPOTENCY_KEY))
    request_body = None
    if declared.body is not None:
        body = declared.body()
        required = any(field.required for field in body.fields.values()) or bool(
            getattr(body, "json_schema", {}).get("minProperties"))
        request_body = {"required": required, "content": {"application/json": {"schema": builder.ref(declared.body)}}}
        if declared.files is not None:
            request_body["content"]["multipart/form-data"] = {"schema": _form(builder, body, declared.files)}
    builder.reading, names_ids = False, builder.names_ids
    success: dict[str, Any] = {"description": HTTPStatus(declared.status).phrase}
    if declared.idempotent:
        success["headers"] = {REPLAYED_HEADER: dict(_REPLAYED)}
    if declared.response is not None:
        success["content"] = {declared.media_type: {"schema": builder.ref(declared.response)}}
    else:
        success["content"] = {declared.media_type: {}}
    responses: dict[str, Any] = {str(declared.status): success}
    failures = [
        (401, not declared.public),
        (403, declared.permission is not None or declared.forbids),
        (404, bool(rule.arguments) or names_ids),
        (409, declared.conflicts or declared.idempotent),
        (413, declared.files is not None),
        (422, declared.query is not None or declared.body is not None or declared.idempotent),
    ]
    for status, applies in failures:
        if applies:
            responses[str(status)] = _problem(builder, _ERRORS[status])
    described: dict[str, Any] = {
        "operationId": rule.endpoint.removeprefix("api."),
        "summary": declared.summary,
        "tags": [tag],
        "parameters": parameters,
        "responses": responses,
    }
    notes = [declared.description] if declared.description else []
    if declared.permission is not None:
        notes.append(f"Needs the `{declared.permission}` permission.")
    if notes:
        described["description"] = " ".join(notes)
    if request_body is not None:
        described["requestBody"] = request_body
    if declared.public:
        described["security"] = []
    return described


def openapi_document(app: Flask, title: str = "API") -> dict[str, Any]:
    """Describe every route under ``/api/v1`` of ``app`` as an OpenAPI 3.1 document titled ``title``."""
    builder = _Builder()
    builder.ref(ProblemSchema)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path, _ = _path_of(rule)
        declared = operation_of(app.view_functions[rule.endpoint])
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(builder, rule, declared)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": "1",
            "description": "Ids are strings, times are ISO 8601 UTC ending in Z, lists answer "
            "{items, next} and take limit and cursor, errors are application/problem+json.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(builder.schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "An API key."}},
        },
        "security": [{"bearer": []}],
    }
