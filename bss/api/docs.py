"""The API describing itself: ``/api/v1/openapi.json`` for tools, ``/api/v1/docs`` for people, each titled with
the name of the seller or distributor whose host it is read on (``bss.brand``)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, render_template

from bss.api import bp
from bss.api.openapi import openapi_document
from bss.brand import current_brand
from web.api.operations import operation


@bp.get("/openapi.json")
@operation(summary="This API, as an OpenAPI 3.1 document.", response=None, public=True)
def openapi_json() -> Response:
    return jsonify(openapi_document(current_app, _title()))


@bp.get("/docs")
@operation(summary="This API, as a page to read.", response=None, public=True, media_type="text/html")
def docs() -> str:
    return render_template("api/docs.html", document=openapi_document(current_app, _title()), type_label=type_label)


def _title() -> str:
    """The API's name where it is read: the seller's on its storefront's host, the distributor's elsewhere."""
    return f"{current_brand().name} API" if current_brand().name else "API"


def type_label(described: dict[str, Any]) -> str:
    """Say in a few words what a JSON Schema accepts, for the docs page."""
    if "$ref" in described:
        return described["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in described:
        return " or ".join(type_label(option) for option in described["anyOf"])
    kinds = described.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    label = " or ".join(
        f"array of {type_label(described.get('items', {}))}" if kind == "array" else kind for kind in kinds
    )
    if described.get("format"):
        label += f" ({described['format']})"
    if described.get("enum"):
        label += ": " + ", ".join("null" if value is None else str(value) for value in described["enum"])
    return label
