"""Widget sizes live in one place: a selector sized in baton.tcss sets no size in any widget's DEFAULT_CSS."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict
from pathlib import Path

from textual.app import App
from textual.css.stylesheet import Stylesheet

import widgets
from console.app import app as app_module

SIZES = frozenset({"width", "height", "min_width", "max_width", "min_height", "max_height"})
TCSS = Path(app_module.__file__).with_name("baton.tcss")
_VARIABLES = App[None]().get_css_variables()
"""The theme's $variables, so the stylesheets parse as they do in the app."""


def sizes_by_selector(css: str, origin: str) -> dict[str, set[str]]:
    """Each selector of ``css`` and the size properties it sets (Textual's own parser, nesting resolved)."""
    sheet = Stylesheet(variables=_VARIABLES)
    sheet.add_source(css, read_from=(origin, ""))
    sheet.parse()
    found: dict[str, set[str]] = defaultdict(set)
    for rule in sheet.rules:
        sized = SIZES & set(rule.styles.get_rules())
        if sized:
            found[" ".join(rule.selectors.split())] |= sized
    return found


def default_css() -> dict[str, str]:
    """Every widget's own DEFAULT_CSS, by class name (the widgets package and the console's modals and footer)."""
    modules = [importlib.import_module(f"widgets.{m.name}") for m in pkgutil.iter_modules(widgets.__path__)]
    modules += [importlib.import_module(f"console.app.{name}") for name in ("modals", "footer", "screen")]
    found: dict[str, str] = {}
    for module in modules:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            css = cls.__dict__.get("DEFAULT_CSS")
            if cls.__module__ == module.__name__ and isinstance(css, str):
                found[name] = css
    return found


def test_no_size_is_set_both_in_baton_tcss_and_in_a_widget() -> None:
    layout = sizes_by_selector(TCSS.read_text(encoding="utf-8"), str(TCSS))
    assert layout, "baton.tcss sets no size at all: the parser found nothing"
    both: list[str] = []
    for name, css in default_css().items():
        for selector, sized in sizes_by_selector(css, name).items():
            twice = sized & layout.get(selector, set())
            if twice:
                both.append(f"{selector} {sorted(twice)} in {name}.DEFAULT_CSS and baton.tcss")
    assert both == [], "\n".join(both)


def test_the_check_sees_a_size_set_twice() -> None:
    """The check itself: a selector sized in both sources is found (nested DEFAULT_CSS included)."""
    layout = sizes_by_selector("TraceFeed { height: 1fr; }", "layout")
    own = sizes_by_selector(
        "TraceFeed { min-height: 6; & > FeedList { height: 1fr; } }\nTraceFeed { height: 2; }", "own"
    )
    assert own["TraceFeed"] & layout["TraceFeed"] == {"height"}
