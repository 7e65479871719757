"""`baton profiles list|show|validate`: what profiles exist, what one says, and what is wrong with one."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from console.commands.style import Style
from console.errors import UsageError
from console.model.profile import ENVIRONMENT_ASSUMED_NOTE, Profile, SecretRef
from console.sanitize import inert


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Sub-actions of `baton profiles`."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="profiles found, in search order, and which ones are shadowed")
    listing.add_argument("--json", action="store_true", help="one JSON document")
    show = actions.add_parser("show", help="one profile as Baton reads it (secrets shown as references)")
    show.add_argument("profile", metavar="NAME|FILE")
    show.add_argument("--json", action="store_true", help="one JSON document")
    validate = actions.add_parser("validate", help="every problem in profile files, one per line")
    validate.add_argument("files", nargs="+", metavar="FILE", help="profile file (or a profile name)")
    for sub in (listing, show, validate):
        sub.add_argument("--no-color", action="store_true", help="no colours")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when all is well; 2 when a profile is invalid or cannot be found."""
    style = Style(color=False if getattr(args, "no_color", False) else None)
    if args.action == "list":
        return _list(args.json, style)
    if args.action == "show":
        return _show(args.profile, args.json, style)
    if args.action == "validate":
        return _validate(args.files, style)
    raise UsageError("say what to do: 'baton profiles list', 'show NAME' or 'validate FILE'")


def _list(as_json: bool, style: Style) -> int:
    from console.config import DEFAULT_PROFILE, default_locations, discover_profiles

    locations = default_locations()
    entries = discover_profiles(locations)
    if as_json:
        document = [
            {
                "name": e.name,
                "path": e.path,
                "origin": e.origin,
                "description": e.description,
                "environment": e.environment,
                "shadowed_by": e.shadowed_by,
                "unreadable": e.unreadable,
                "valid": not e.invalid,
                "errors": list(e.errors),
                "default": e.name == DEFAULT_PROFILE and e.shadowed_by is None,
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return 0
    active = [e for e in entries if e.shadowed_by is None]
    rows = [("NAME", "ENVIRONMENT", "ORIGIN", "DESCRIPTION")]
    invalid: set[int] = set()
    for e in active:
        name = f"{e.name} (default)" if e.name == DEFAULT_PROFILE else e.name
        note = e.description or ""
        if e.invalid:
            invalid.add(len(rows))
            name = f"✗ {name}"
            count = len(e.errors)
            note = (
                f"INVALID: {e.unreadable}"
                if e.unreadable
                else (f"INVALID: {count} problem{'s' if count > 1 else ''}; baton profiles validate {e.name}")
            )
        environment = e.environment or ("?" if e.invalid else "production (assumed)")
        if environment.startswith("production"):
            environment = "PRODUCTION" + environment.removeprefix("production")
        rows.append((name, environment, e.origin, note))
    widths = [max(len(inert(r[i])) for r in rows) for i in range(3)]
    out: list[str] = []
    for index, row in enumerate(rows):
        cells = [inert(c).ljust(w) for c, w in zip(row[:3], widths, strict=True)]
        note = inert(row[3])
        if index == 0:
            cells = [style(c, "bold") for c in cells]
        elif row[1].startswith("PRODUCTION"):
            cells[1] = style(cells[1], "bold", "red")
        if index in invalid:
            cells[0], note = style(cells[0], "red"), style(note, "red")
        out.append("  ".join([*cells, note]).rstrip())
    shadowed = [e for e in entries if e.shadowed_by is not None]
    if shadowed:
        out.append("")
        out.append(style("shadowed (an earlier location has a profile of the same name):", "bold"))
        for e in shadowed:
            hidden_by = inert(e.shadowed_by or "")
            out.append(f"  {inert(e.name)} ({e.origin}) {inert(e.path)}  hidden by {hidden_by}")
    out.append("")
    out.append(style("searched, first wins:", "dim"))
    for loc in locations:
        absent = "" if loc.directory.is_dir() else "  (absent)"
        out.append(style(f"  {loc.origin:8} {inert(str(loc.directory))}{absent}", "dim"))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _plain(value: Any) -> Any:
    """A profile (or part of one) as JSON-ready data; secrets stay references."""
    if isinstance(value, SecretRef):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _show(target: str, as_json: bool, style: Style) -> int:
    from console.config import load_profile

    profile = load_profile(target)
    if as_json:
        document = _plain(profile)
        document["propagation"]["headers"] = dict(profile.propagation.headers)
        document["expectations"] = _plain(profile.expectations())
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return 0
    sys.stdout.write("\n".join(_show_lines(profile, style)) + "\n")
    return 0


def _show_lines(profile: Profile, style: Style) -> list[str]:
    env = profile.environment.value
    env_text = env
    if profile.environment_assumed:
        env_text = style(f"{env.upper()}  ({ENVIRONMENT_ASSUMED_NOTE})", "bold", "red")
    elif profile.is_production:
        env_text = style(f"{env.upper()}  (real users, real data)", "bold", "red")
    title = style(inert(profile.name), "bold")
    lines = [
        title + (" — " + inert(profile.description) if profile.description else ""),
        f"  file         {inert(profile.source or '?')}",
        f"  environment  {env_text}",
    ]
    lines += [style(f"  {inert(w)}", "yellow") for w in profile.warnings]  # each is "key: warning: …"
    if profile.color:
        lines.append(f"  color        {inert(profile.color)}")
    sections: list[tuple[str, Any]] = [
        ("sandbox", profile.sandbox),
        ("gateway", profile.gateway),
        ("identity", profile.identity),
        ("propagation", profile.propagation),
        ("iis", profile.iis),
        ("aws", profile.aws),
    ]
    for title, section in sections:
        if section is None:
            continue
        lines.append(style(f"[{title}]", "bold"))
        for f in fields(section):
            value = getattr(section, f.name)
            if value in (None, ()):
                continue
            if f.name == "headers":
                for header, claim in value:
                    lines.append(f"  {inert(header)} ← claim {inert(claim)}")
                continue
            text = ", ".join(map(str, value)) if isinstance(value, tuple) else str(_plain(value))
            if isinstance(value, SecretRef):
                text += style("  (reference; read at use, never stored)", "dim")
            lines.append(f"  {f.name:<18} {inert(text)}")
    if profile.uses_sandbox:
        lines.append(style("the embedded sandbox supplies the gateway and identity settings", "dim"))
    return lines


def _validate(targets: list[str], style: Style) -> int:
    from console.config import check_file, find_profile

    failed = 0
    for target in targets:
        path = target
        if not Path(target).exists() and "/" not in target and not target.endswith(".toml"):
            path = find_profile(target).path
        found = check_file(path, warnings=True)
        for problem in found:
            line = inert(str(problem))
            sys.stdout.write((style(line, "yellow") if problem.warning else line) + "\n")
        problems = [p for p in found if not p.warning]
        warned = len(found) - len(problems)
        also = f", {warned} warning{'s' if warned > 1 else ''}" if warned else ""
        if problems:
            failed += 1
            count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}{also}"
            sys.stdout.write(style(f"{inert(path)}: {count}", "bold", "red") + "\n")
        else:
            sys.stdout.write(style("ok", "green") + f": {inert(path)}{also}\n")
    return 2 if failed else 0
