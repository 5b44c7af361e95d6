"""What a theme is called and how it is described, in the language of whoever chooses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from storefront.themes import ThemeError, read_theme


def _theme(tmp_path: Path, toml: str) -> Path:
    folder = tmp_path / "quay"
    folder.mkdir()
    (folder / "theme.toml").write_text('name = "quay"\nversion = "1.0"\n' + toml, encoding="utf-8")
    return folder


def test_a_theme_has_its_title_and_description_in_each_language_it_gives(tmp_path):
    theme = read_theme(_theme(tmp_path, 'title = { en = "Quay", fr = "Quai" }\ndescription = "Wide and bright."\n'))
    assert (theme.title_in("fr"), theme.title_in("en"), theme.title_in("de")) == ("Quai", "Quay", "Quay")
    assert theme.description_in("fr") == "Wide and bright."


def test_a_theme_without_a_title_is_called_by_its_name(tmp_path):
    assert read_theme(_theme(tmp_path, "")).title_in("fr") == "Quay"


@pytest.mark.parametrize(("toml", "message"), [
    ('title = { fr = "Quai" }\n', "theme 'quay': title needs its 'en' text"),
    ("description = 3\n", "theme 'quay': description must be text, or a table of texts by language"),
    ('description = { en = "Wide", fr = 3 }\n', "theme 'quay': description must be text, or a table of texts by language"),
])
def test_a_title_or_description_that_is_not_text_is_refused(tmp_path, toml, message):
    with pytest.raises(ThemeError, match=message):
        read_theme(_theme(tmp_path, toml))
