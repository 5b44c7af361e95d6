import re

from flask import Blueprint

from bss.api.openapi import openapi_document
from core.typed_text import NAME_PATTERN

API_ROUTE = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")


def api_operations(app):
    """Every (path, method) the app routes under /api/v1, in OpenAPI's path syntax."""
    return {
        (API_ROUTE.sub(r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def documented(document):
    return {(path, method) for path, methods in document["paths"].items() for method in methods}


def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def conforms(document, value, schema, where="answer"):
    """Check ``value`` against the document's JSON Schema (the subset the generator writes)."""
    schema = resolve(document, schema)
    if "anyOf" in schema:
        assert any(_passes(document, value, option) for option in schema["anyOf"]), where
        return
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    python = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict, "null": type(None)}
    if kinds:
        assert any(isinstance(value, python[kind]) and not (kind == "integer" and isinstance(value, bool))
                   for kind in kinds), f"{where}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, str) and "pattern" in schema:
        assert re.search(schema["pattern"], value), f"{where}: {value!r} does not match {schema['pattern']}"
    if isinstance(value, list):
        for n, item in enumerate(value):
            conforms(document, item, schema.get("items", {}), f"{where}[{n}]")
    if isinstance(value, dict) and "properties" in schema:
        assert set(schema.get("required", [])) <= value.keys(), f"{where}: missing {schema['required']}"
        assert value.keys() <= schema["properties"].keys(), f"{where}: undocumented {value.keys() - schema['properties'].keys()}"
        for key, item in value.items():
            conforms(document, item, schema["properties"][key], f"{where}.{key}")


def _passes(document, value, schema):
    try:
        conforms(document, value, schema)
    except AssertionError:
        return False
    return True


def test_every_api_route_is_in_the_document(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.json
    assert document["openapi"] == "3.1.0"
    routes = api_operations(app)
    assert {("/api/v1/accounts", "get"), ("/api/v1/accounts/{account_id}", "patch"), ("/api/v1/me", "get")} <= routes
    assert routes - documented(document) == set()
    assert documented(document) - routes == set()


def test_every_operation_is_described(client):
    document = client.get("/api/v1/openapi.json").json
    operation_ids = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation["summary"] != "(undocumented)", f"{method.upper()} {path} declares no operation"
            assert any(status.startswith("2") for status in operation["responses"]), f"{method.upper()} {path}"
            operation_ids.append(operation["operationId"])
            for parameter in operation["parameters"]:
                if parameter["in"] == "path":
                    assert f"{{{parameter['name']}}}" in path
    assert len(operation_ids) == len(set(operation_ids))


def test_a_route_added_by_another_blueprint_appears_as_undocumented(make_app):
    plugin = Blueprint("plugin_api", __name__, url_prefix="/api/v1/widgets")
    plugin.add_url_rule("/<int:widget_id>", "widget", lambda widget_id: {}, methods=["GET", "DELETE"])
    other = make_app()
    other.register_blueprint(plugin)
    paths = openapi_document(other)["paths"]
    assert set(paths["/api/v1/widgets/{widget_id}"]) == {"get", "delete"}
    assert paths["/api/v1/widgets/{widget_id}"]["get"]["summary"] == "(undocumented)"


def test_security_and_errors_are_described(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API key."
    }
    assert document["security"] == [{"bearer": []}]
    paths = document["paths"]
    assert paths["/api/v1/openapi.json"]["get"]["security"] == []
    create = paths["/api/v1/accounts"]["post"]
    assert set(create["responses"]) == {"201", "401", "403", "404", "409", "422"}  # parent_id names an account
    assert create["responses"]["422"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert set(paths["/api/v1/accounts/{account_id}"]["patch"]["responses"]) == {"200", "401", "403", "404", "409", "422"}
    assert "security" not in paths["/api/v1/me"]["get"]


def test_field_types_follow_the_conventions(client):
    document = client.get("/api/v1/openapi.json").json
    account = document["components"]["schemas"]["Account"]["properties"]
    assert account["id"] == {"type": "string", "pattern": "^[0-9]+$"}
    assert account["parent_id"]["type"] == ["string", "null"]
    assert account["created_at"] == {"type": "string", "format": "date-time"}
    assert account["addons"] == {"type": "array", "items": {"type": "string"}, "description": "Distributors only."}
    create = document["components"]["schemas"]["AccountCreate"]
    assert create["properties"]["kind"] == {"type": "string", "enum": ["reseller", "customer"]}
    assert create["properties"]["name"] == {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NAME_PATTERN}
    assert create["properties"]["parent_id"]["anyOf"][0]["type"] == ["string", "integer"]  # an id is read either way
    assert create["properties"]["reselling_enabled"]["type"] == "boolean"
    assert create["required"] == ["kind", "name", "slug"]
    assert create["additionalProperties"] is False
    limit = next(p for p in document["paths"]["/api/v1/accounts"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
    page = document["components"]["schemas"]["AccountPage"]["properties"]
    assert page["items"] == {"type": "array", "items": {"$ref": "#/components/schemas/Account"}}


def test_every_reference_resolves(client):
    document = client.get("/api/v1/openapi.json").json
    text = client.get("/api/v1/openapi.json").get_data(as_text=True)
    for name in re.findall(r'"#/components/schemas/(\w+)"', text):
        assert name in document["components"]["schemas"]


def test_answers_match_the_documented_schemas(client, api_as, demo, make_team):
    document = client.get("/api/v1/openapi.json").json
    make_team("harbour", "Front desk", ["purchase"])
    northwind, bright = api_as("northwind"), api_as("bright")
    harbour = demo["harbour"].id
    answers = [
        ("/api/v1/me", "get", northwind.get("/api/v1/me")),
        ("/api/v1/me", "get", bright.get("/api/v1/me")),
        ("/api/v1/accounts", "get", northwind.get("/api/v1/accounts?limit=2")),
        ("/api/v1/accounts", "post", bright.post("/api/v1/accounts", json={"kind": "customer", "name": "N", "slug": "n"})),
        ("/api/v1/accounts", "post", bright.post("/api/v1/accounts", json={"kind": "customer"})),
        ("/api/v1/accounts/{account_id}", "get", bright.get(f"/api/v1/accounts/{harbour}")),
        ("/api/v1/accounts/{account_id}", "patch", bright.patch(f"/api/v1/accounts/{harbour}", json={"name": "H"})),
        ("/api/v1/accounts/{account_id}", "get", bright.get(f"/api/v1/accounts/{demo['corner'].id}")),
        ("/api/v1/accounts/{account_id}/teams", "get", bright.get(f"/api/v1/accounts/{harbour}/teams")),
        ("/api/v1/accounts/{account_id}/members", "get", bright.get(f"/api/v1/accounts/{harbour}/members")),
        ("/api/v1/me", "get", client.get("/api/v1/me")),
    ]
    for path, method, response in answers:
        documented_answer = document["paths"][path][method]["responses"][str(response.status_code)]
        schema = documented_answer["content"][response.mimetype]["schema"]
        conforms(document, response.json, schema, f"{method.upper()} {path} {response.status_code}")


def test_the_docs_page_lists_every_operation_and_schema_offline(client):
    document = client.get("/api/v1/openapi.json").json
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for path, methods in document["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the docs page loads nothing from elsewhere"


def test_the_document_states_every_constraint_the_api_checks(client):
    """What the API refuses, the document forbids: cursors, slugs, ids, text without NUL, which ids must
    exist (404) and which values another may hold (409)."""
    document = client.get("/api/v1/openapi.json").json
    paths, schemas = document["paths"], document["components"]["schemas"]
    cursor = next(p for p in paths["/api/v1/accounts"]["get"]["parameters"] if p["name"] == "cursor")
    assert cursor["schema"] == {"type": "string", "pattern": "^[0-9a-z]{0,12}$"}
    slug = schemas["AccountCreate"]["properties"]["slug"]
    assert slug["pattern"] == "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$" and {"www", "api", "bss"} <= set(slug["not"]["enum"])
    q = next(p for p in paths["/api/v1/accounts"]["get"]["parameters"] if p["name"] == "q")
    assert q["schema"]["pattern"] == "^[^\\u0000]*$"
    assert "404" in paths["/api/v1/products"]["get"]["responses"], "?account_id= names an account"
    assert "409" in paths["/api/v1/price-lists"]["post"]["responses"], "one list per audience"
    assert schemas["SubscriptionChange"]["minProperties"] == 1
    assert schemas["AccountCreate"]["then"] == {
        "properties": {"reselling_enabled": {"const": True}}, "required": ["reselling_enabled"]}

