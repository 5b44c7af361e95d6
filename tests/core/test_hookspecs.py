import inspect

from core import hookspecs


def _specs():
    return [
        (name, function)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "cascade_spec")
    ]


def test_there_are_hookspecs():
    assert _specs()


def test_every_hookspec_documents_itself_its_parameters_and_its_return():
    for name, function in _specs():
        doc = inspect.getdoc(function) or ""
        summary = doc.splitlines()[0] if doc else ""
        assert summary.endswith("."), f"{name}: needs a one-line summary"
        for parameter in inspect.signature(function).parameters:
            assert f":param {parameter}:" in doc, f"{name}: parameter {parameter} is undocumented"
        assert ":returns:" in doc, f"{name}: the return value is undocumented"
