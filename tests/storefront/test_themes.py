"""Storefront themes: lookup through the parent chain, checked theme.toml files, cached environments, static files."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask, g

from plugin_kit.testing import text_of
from storefront import themes as themes_module
from storefront.themes import (
    DEFAULT_THEME,
    PAGES,
    ThemeError,
    ThemeRegistry,
    render_page,
    theme_of,
)

BRIGHT = "http://bright.shop.localhost"


def _theme(root: Path, name: str, parent: str | None = None, files: dict[str, str] | None = None,
           toml: str | None = None) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    if toml is None:
        toml = f'name = "{name}"\nversion = "1.0"\n' + (f'parent = "{parent}"\n' if parent else "")
    (folder / "theme.toml").write_text(toml)
    for path, text in (files or {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """default (complete), middle (parent default) and top (parent middle), each with a few files of its own."""
    pages = {f"templates/{page}": f"default {page}" for page in PAGES}
    _theme(tmp_path, "default", files={**pages, "templates/only-default.html": "from default",
                                       "static/app.css": "default css", "static/only-default.txt": "d"})
    _theme(tmp_path, "middle", files={"templates/home.html": "middle home", "templates/shared.html": "middle shared",
                                      "static/app.css": "middle css", "static/only-middle.txt": "m"})
    _theme(tmp_path, "top", parent="middle", files={"templates/home.html": "top home", "static/app.css": "top css",
                                                    "templates/page.html": '{% extends "middle/home.html" %}'})
    return tmp_path


def _render(app: Flask, registry: ThemeRegistry, theme: str, template: str) -> str:
    with app.app_context():
        return registry.environment(app, theme).get_template(template).render()


def test_a_template_missing_in_a_theme_comes_from_its_parent_then_default(root):
    registry, app = ThemeRegistry(root), Flask(__name__)
    assert [theme.name for theme in registry.chain("top")] == ["top", "middle", "default"]
    assert _render(app, registry, "top", "home.html") == "top home"
    assert _render(app, registry, "top", "shared.html") == "middle shared"
    assert _render(app, registry, "top", "only-default.html") == "from default"
    assert _render(app, registry, "top", "page.html") == "middle home"  # <theme>/page reaches an ancestor's own
    assert _render(app, registry, "middle", "home.html") == "middle home"
    assert _render(app, registry, "default", "home.html") == "default home.html"
    assert _render(app, registry, "not-installed", "home.html") == "default home.html"


@pytest.mark.parametrize(("name", "parent", "message"), [
    ("orphan", "nowhere", "theme 'orphan': unknown parent theme 'nowhere'"),
    ("loop", "loop", "theme 'loop': its parents make a cycle (loop -> loop)"),
])
def test_a_bad_parent_is_refused_with_the_theme_named(root, name, parent, message):
    _theme(root, name, parent=parent)
    with pytest.raises(ThemeError) as refused:
        ThemeRegistry(root)
    assert message in str(refused.value)


def test_a_longer_cycle_is_refused(root):
    _theme(root, "one", parent="two")
    _theme(root, "two", parent="one")
    with pytest.raises(ThemeError, match=r"theme '(one|two)': its parents make a cycle \((one -> two -> one|two -> one -> two)\)"):
        ThemeRegistry(root)


@pytest.mark.parametrize(("toml", "message"), [
    ('version = "1"\n', "theme 'nameless': theme.toml has no name"),
    ('name = "other"\nversion = "1"\n', "theme 'nameless': theme.toml names it 'other'"),
    ('name = "nameless"\n', "theme 'nameless': theme.toml has no version"),
    ('name = "nameless"\nversion = "1"\nparnet = "default"\n', "theme 'nameless': unknown key(s) in theme.toml: parnet"),
    ('name = "nameless\n', "theme 'nameless': theme.toml is not valid TOML"),
])
def test_a_bad_theme_toml_is_refused_with_the_theme_named(root, toml, message):
    _theme(root, "nameless", toml=toml)
    with pytest.raises(ThemeError) as refused:
        ThemeRegistry(root)
    assert message in str(refused.value)


def test_the_default_theme_must_be_there_and_complete(tmp_path):
    _theme(tmp_path, "default", files={"templates/base.html": ""})
    with pytest.raises(ThemeError, match="theme 'default' must have every page; missing: home.html, closed.html, error.html"):
        ThemeRegistry(tmp_path)
    with pytest.raises(ThemeError, match="theme 'default' is missing"):
        ThemeRegistry(tmp_path / "default" / "templates")


def test_the_real_themes_are_valid_and_harbour_falls_back_to_default():
    registry = ThemeRegistry()
    assert {"default", "harbour"} <= set(registry.themes)
    assert [theme.name for theme in registry.chain("harbour")] == ["harbour", "default"]


def test_one_environment_per_theme_made_once_and_overlaying_the_apps(root):
    registry, app = ThemeRegistry(root), Flask(__name__)
    top = registry.environment(app, "top")
    assert registry.environment(app, "top") is top and registry.loader("top") is registry.loader("top")
    assert registry.environment(app, "middle") is not top
    assert registry.environment(app, "gone") is registry.environment(app, DEFAULT_THEME)
    assert top.globals is app.jinja_env.globals and top.filters is app.jinja_env.filters  # Flask's url_for, filters
    assert top.overlayed and top.linked_to is app.jinja_env


def test_the_storefront_app_keeps_one_environment_per_theme(client, shops, app):
    storefronts = app.wsgi_app.storefronts
    registry = storefronts.extensions["themes"]
    assert client.get("/", base_url=BRIGHT).status_code == 200
    built = len(registry._environments)  # other tests of the session may have rendered other themes
    for _ in range(3):
        assert client.get("/", base_url=BRIGHT).status_code == 200
    assert len(registry._environments) == built
    assert registry.environment(storefronts, "default") is registry.environment(storefronts, "default")


def test_static_files_fall_back_and_stay_inside_static(root):
    registry = ThemeRegistry(root)
    assert registry.static_file("top", "app.css").read_text() == "top css"
    assert registry.static_file("top", "only-middle.txt").read_text() == "m"
    assert registry.static_file("top", "only-default.txt").read_text() == "d"
    assert registry.static_file("middle", "app.css").read_text() == "middle css"
    assert registry.static_file("top", "missing.css") is None
    for escape in ("../theme.toml", "../../default/theme.toml", "/etc/passwd", "a/../../theme.toml"):
        assert registry.static_file("top", escape) is None


def test_a_shop_serves_its_themes_static_files_with_fallback(client, shops, monkeypatch):
    icon = client.get("/theme/icon.svg", base_url=BRIGHT)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert icon.headers["X-Content-Type-Options"] == "nosniff"
    monkeypatch.setattr(themes_module, "theme_of", lambda storefront: "harbour")
    assert client.get("/theme/icon.svg", base_url=BRIGHT).data == icon.data  # harbour has none: default's


@pytest.mark.parametrize("path", ["/theme/missing.css", "/theme/../theme.toml", "/theme/..%2Ftheme.toml",
                                  "/theme/%2E%2E/%2E%2E/pyproject.toml", "/theme/", "/theme/templates"])
def test_a_missing_or_escaping_static_path_is_a_404(client, shops, path):
    response = client.get(path, base_url=BRIGHT)
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_a_closed_shop_still_serves_its_themes_files(client, close_bright):
    close_bright()
    icon = client.get("/theme/icon.svg", base_url=BRIGHT)
    assert icon.status_code == 200 and b"<svg" in icon.data
    missing = client.get("/theme/missing.css", base_url=BRIGHT)  # a neutral 404: a closed shop shows nothing more
    assert missing.status_code == 404 and "Page not found" in text_of(missing) and "Bright IT" not in text_of(missing)


def test_harbour_renders_the_home_given_explicitly(app, shops):
    storefronts = app.wsgi_app.storefronts
    with storefronts.test_request_context("/", base_url=BRIGHT):
        storefronts.preprocess_request()
        harbour = render_page("home.html", theme="harbour", shop=shops["bright"], catalog={})
        default = render_page("home.html", theme="default", shop=shops["bright"], catalog={})
        assert g.storefront.account.id == shops["bright"].id
    assert "What we offer" in harbour and "What we offer" not in default
    assert "--shop-primary: #2456c7;" in harbour and "Nothing is on offer yet." in harbour


def test_a_storefront_whose_theme_is_harbour_wears_it_on_every_page(client, shops, monkeypatch, close_bright):
    monkeypatch.setattr(themes_module, "theme_of", lambda storefront: "harbour")
    home = client.get("/", base_url=BRIGHT)
    page = home.get_data(as_text=True)
    assert home.status_code == 200 and '<ul class="products">' in page and '<ul class="grid">' not in page
    assert "<title>Bright IT</title>" in page and '<h1 id="shop-name">Bright IT</h1>' in page
    assert ">Microsoft 365 Business Basic<" in page and "--shop-primary: #2456c7;" in page
    missing = client.get("/nothing-here", base_url=BRIGHT)  # error.html: default's, in harbour's layout
    assert missing.status_code == 404 and "Page not found" in text_of(missing) and "border-bottom: 8px" in missing.get_data(as_text=True)
    close_bright()
    closed = client.get("/", base_url=BRIGHT)
    assert "This shop is closed" in text_of(closed) and "border-bottom: 8px" in closed.get_data(as_text=True)


@pytest.mark.parametrize(("theme", "entitlements", "expected"), [
    ("harbour", ["theme_choice"], "harbour"),
    (None, ["theme_choice"], "default"),
    ("", ["theme_choice", "custom_domain"], "default"),
    ("harbour", [], "default"),
    ("harbour", ["custom_domain"], "default"),
])
def test_theme_of_takes_the_chosen_theme_only_with_theme_choice(theme, entitlements, expected):
    assert theme_of(SimpleNamespace(theme=theme, entitlements=entitlements)) == expected


def test_theme_of_a_storefront_without_a_theme_field_is_default():
    assert theme_of(SimpleNamespace(entitlements=["theme_choice"])) == "default"
