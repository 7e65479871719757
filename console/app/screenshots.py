"""Screenshots of the real console on the embedded sandbox, as SVG and PNG (`make screenshots`)."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from console.app.app import BatonApp
from console.app.main import make_app
from console.app.screen import ConsoleScreen
from widgets import TraceFeed, VerdictBar

CONVERTER = "rsvg-convert"
"""librsvg's converter: CSS classes, textLength and per-glyph font fallback through Pango."""

FONTS = (("Fira Code", "fonts-firacode"), ("DejaVu Sans Mono", "fonts-dejavu-core"), ("Symbola", "fonts-symbola"))
"""(family, Debian package): the font Textual's SVG names, and fallbacks for ✗ ⚠ and ⏱ ⭘ (Symbola)."""

TRACE_TIMEOUT = 60.0
"""Seconds to wait for the sandbox to start and the trace to finish before giving up on a shot."""

SECRET_MARKERS = ("eyJ",)
"""Text that must never appear in a screenshot: the start of every JWT."""


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot: a scenario traced once at a terminal size, then optional keys (e.g. help)."""

    name: str
    scenario: str
    size: tuple[int, int] = (120, 36)
    keys: tuple[str, ...] = ()
    title: str = ""
    logs: bool = False
    """Then open the Logs view (ctrl+l) and wait for its lines and join summary."""


SHOTS: tuple[Shot, ...] = (
    Shot("healthy", "healthy", title="healthy: the identity reaches IIS"),
    Shot("expired-token", "expired-token", title="expired-token: refused by the authorizer"),
    Shot("authorizer-deny", "authorizer-deny", title="authorizer-deny: explicit Deny policy"),
    Shot("claims-header-unmapped", "claims-header-unmapped", title="claims-header-unmapped: IIS sees nobody"),
    Shot("iis-windows-auth", "iis-windows-auth", title="iis-windows-auth: 401.2 Negotiate/NTLM"),
    Shot("spoofable-backend", "spoofable-backend", title="spoofable-backend: IIS trusts any X-User-Sub"),
    Shot("help", "healthy", keys=("f1",), title="help (F1)"),
    Shot("iis-windows-auth-80x24", "iis-windows-auth", (80, 24), title="iis-windows-auth at 80x24 (the minimum)"),
    Shot("healthy-100x30", "healthy", (100, 30), title="healthy at 100x30"),
    Shot("iis-windows-auth-200x50", "iis-windows-auth", (200, 50), title="iis-windows-auth at 200x50"),
    Shot("logs", "gateway-bypass", title="Logs view (ctrl+l): IIS lines, gateway ⨝ IIS join, bypass", logs=True),
    Shot("logs-80x24", "gateway-bypass", (80, 24), title="Logs view at 80x24", logs=True),
)


class ScreenshotError(RuntimeError):
    """A shot could not be taken or converted."""


# -- the PNG converter ----------------------------------------------------------------------------------
def _run(tool: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str] | None:
    """Run a system tool by its resolved path with a fixed argv (no shell); None when it is not installed."""
    path = shutil.which(tool)
    if path is None:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(  # noqa: S603 (a resolved path and a fixed argv, no shell)
        [path, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _has_font(family: str) -> bool:
    found = _run("fc-list", family, "family")
    return found is not None and family.lower() in found.stdout.lower()


def missing_packages() -> list[str]:
    """Debian packages needed for PNGs that are not installed yet."""
    missing = [] if shutil.which(CONVERTER) else ["librsvg2-bin"]
    if shutil.which("fc-list") is None:
        missing.append("fontconfig")
    return missing + [package for family, package in FONTS if not _has_font(family)]


def _apt_get(*args: str) -> bool:
    done = _run("apt-get", *args)
    if done is not None and done.returncode != 0:
        print(done.stderr.strip(), file=sys.stderr)
    return done is not None and done.returncode == 0


def ensure_converter() -> None:
    """Install rsvg-convert and the fonts with apt-get when missing (root only); raise when impossible."""
    missing = missing_packages()
    if not missing:
        return
    command = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise ScreenshotError(f"PNGs need {', '.join(missing)}; as root run: {command} (or pass --svg-only)")
    print(f"installing {', '.join(missing)} with apt-get", file=sys.stderr)
    install = ("install", "-y", "--no-install-recommends", *missing)
    if not _apt_get(*install) and not (_apt_get("update") and _apt_get(*install)):
        raise ScreenshotError(f"apt-get could not install {', '.join(missing)}")
    _run("fc-cache")
    still = missing_packages()
    if still:
        raise ScreenshotError(f"still missing after apt-get: {', '.join(still)}")


def svg_to_png(svg: Path, png: Path) -> None:
    """Render one SVG to PNG with rsvg-convert (fonts come from fontconfig, not the SVG's web font)."""
    # librsvg strips leading and trailing no-break spaces of each <text> unless space is preserved; Textual's
    # SVG holds every space as &#160; and stretches each run to its textLength, so words would run together.
    text = svg.read_text(encoding="utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1)
    done = _run(CONVERTER, "--format", "png", "--background-color", "#000000", "--output", str(png), stdin=text)
    if done is None or done.returncode != 0 or not png.exists():
        raise ScreenshotError(f"{CONVERTER} failed on {svg.name}: {done.stderr.strip() if done else 'not installed'}")


class _ShutdownNoise(logging.Filter):
    """Drops uvicorn's report of the live feed's long poll cancelled when the sandbox stops after a shot."""

    def filter(self, record: logging.LogRecord) -> bool:
        cancelled = record.exc_info is not None and isinstance(record.exc_info[1], asyncio.CancelledError)
        return not (cancelled or "timeout graceful shutdown exceeded" in record.getMessage())


# -- driving the console --------------------------------------------------------------------------------
async def _until(done: Callable[[], bool], what: str, timeout: float = TRACE_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise ScreenshotError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


def trace_shown(app: BatonApp) -> bool:
    """True once a trace's verdict and its live-feed row are on screen (what a screenshot or snapshot waits for)."""
    from console.model.enums import VerdictKind

    screen = app.screen
    if not isinstance(screen, ConsoleScreen) or screen.book.trace() is None:
        return False
    view = screen.query_one(VerdictBar).view
    # The live feed draws in batches: wait for its row too, so the shot shows the whole console.
    return view is not None and view.kind is not VerdictKind.PENDING and screen.query_one(TraceFeed).settled


def logs_shown(app: BatonApp) -> bool:
    """True once the Logs view shows lines and its join is done (counts, or why there are none)."""
    from console.app.logs_screen import LogsScreen

    screen = app.screen
    if not isinstance(screen, LogsScreen):
        return False
    model = screen.model
    return bool(model.entries) and (model.join_counts is not None or bool(model.join_note))


def stop_blinking(app: BatonApp) -> None:
    """No blinking cursor: two captures of the same screen must be the same."""
    from textual.widgets import Input

    for widget in app.screen.query(Input):
        widget.cursor_blink = False


async def take(shot: Shot) -> str:
    """Run the console on ``shot.scenario``, send one request, wait for the verdict; the SVG text."""
    app = make_app(None, shot.scenario)
    async with app.run_test(size=shot.size) as pilot:
        stop_blinking(app)
        await pilot.press("ctrl+r")
        await _until(lambda: trace_shown(app), f"the {shot.scenario} trace")
        await pilot.pause()
        if shot.keys:
            await pilot.press(*shot.keys)
            await pilot.pause(0.5)  # the help Markdown renders in its own tasks
        if shot.logs:
            await pilot.press("ctrl+l")
            await _until(lambda: logs_shown(app), "the Logs view's lines and join")
            stop_blinking(app)
            await pilot.pause(0.3)  # the last drain tick and the detail pane
        await pilot.pause()
        svg = app.export_screenshot(title=f"Baton — {shot.title or shot.name}")
        secrets = _secrets(app)
    leaked = [marker for marker in SECRET_MARKERS if marker in svg] + [s for s in secrets if s in svg]
    if leaked:
        raise ScreenshotError(f"{shot.name}: the screenshot shows a token or a secret ({leaked[0][:3]}…)")
    return svg


def _secrets(app: BatonApp) -> list[str]:
    """What must not show: the profile's secrets, and each traced token and its signature."""
    found: list[str] = []
    target = app.session.target if app.session is not None else None
    if target is not None:
        found += target.secrets
    consoles = [screen for screen in app.screen_stack if isinstance(screen, ConsoleScreen)]
    traces = (entry.trace for screen in consoles for entry in screen.book.entries.values())
    for trace in traces:
        if trace is not None and trace.token is not None:
            found += [trace.token.token.compact, *trace.token.token.compact.split(".")[2:]]
    return [secret for secret in found if len(secret) >= 6]


def write_all(directory: Path, shots: Sequence[Shot] = SHOTS, *, png: bool = True) -> list[Path]:
    """Take every shot, write ``NAME.svg`` (and ``NAME.png``) into ``directory``; the files written."""
    if png:
        ensure_converter()
    logging.getLogger("uvicorn.error").addFilter(_ShutdownNoise())
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for shot in shots:
        svg_path = directory / f"{shot.name}.svg"
        svg_path.write_text(asyncio.run(take(shot)), encoding="utf-8")
        written.append(svg_path)
        print(svg_path)
        if png:
            png_path = svg_path.with_suffix(".png")
            svg_to_png(svg_path, png_path)
            written.append(png_path)
            print(png_path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m console.app.screenshots DIR [--svg-only] [NAME ...]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m console.app.screenshots", description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    parser.add_argument("--svg-only", action="store_true", help="skip the PNGs (no converter needed)")
    args = parser.parse_intermixed_args(argv)
    known = {shot.name: shot for shot in SHOTS}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown shot(s) {', '.join(unknown)}; known: {', '.join(known)}")
    shots = [known[name] for name in args.names] if args.names else list(SHOTS)
    try:
        write_all(args.directory, shots, png=not args.svg_only)
    except ScreenshotError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
