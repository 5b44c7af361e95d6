"""The TMF APIs' tests: each answer checked against the v4 specification it follows."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

SPECIFICATIONS = Path(__file__).parents[2] / "bss" / "tmf" / "specifications"
FILES = {"TMF620": "TMF620-ProductCatalog-v4.0.0.swagger.json", "TMF622": "TMF622-ProductOrder-v4.0.0.swagger.json",
         "TMF637": "TMF637-ProductInventory-v4.0.0.swagger.json"}


@cache
def _definitions(api: str) -> dict[str, Any]:
    return json.loads((SPECIFICATIONS / FILES[api]).read_text())["definitions"]


def conforms(api: str, definition: str, resource: Any) -> None:
    """Fail, saying where, unless ``resource`` is a valid ``definition`` of the ``api`` (``TMF620``, ...)."""
    validator = jsonschema_rs.Draft4Validator({"$ref": f"#/definitions/{definition}", "definitions": _definitions(api)},
                                              validate_formats=True)
    errors = [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(resource)]
    assert not errors, f"not a valid {api} {definition}: {errors}"
