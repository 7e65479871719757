"""`baton aws diff`: the differences between two profiles' identity chains that change who reaches IIS."""

from __future__ import annotations

import argparse
import json
import sys

from console.aws.drift_model import Difference, Drift
from console.engine.redact import redact_all, redact_text
from console.sanitize import inert


def run(args: argparse.Namespace) -> int:
    """Exit 0: no identity-changing difference; 1: some; 2: a profile or AWS failure naming the profile."""
    from console.aws.errors import json_errors

    with json_errors(args.json, "aws diff"):
        drift = _compare(args)
    if args.json:
        sys.stdout.write(json.dumps(redact_all(drift.as_dict(), ()), indent=2) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in text_lines(drift)))
    return 1 if drift.identity else 0


def _compare(args: argparse.Namespace) -> Drift:
    from console.aws.drift_run import compare_profiles
    from console.config import load_profile
    from console.errors import ProfileError

    profiles = []
    for name in (args.profile_a, args.profile_b):
        try:
            profiles.append(load_profile(name))
        except ProfileError as exc:
            for problem in exc.problems:
                sys.stderr.write(f"baton: {problem}\n")
            raise ProfileError(f"profile {inert(name)!r} cannot be used: {exc.message}", where="aws diff") from None
    return compare_profiles(profiles[0], profiles[1], path=args.path, method=args.method)


def _difference(item: Difference, a: str, b: str, width: int) -> list[str]:
    lines = [f"  {item.kind.value:<14}{item.subject}"]
    lines += [f"    {a:<{width}}  {item.a}", f"    {b:<{width}}  {item.b}"]
    lines.append(f"    → {item.consequence}")
    if item.likely_wrong:
        lines.append(f"    likely wrong: {item.likely_wrong} — {item.why}")
    return lines


def text_lines(drift: Drift) -> list[str]:
    """The human report; every string read from AWS or a profile is shown inert."""
    a, b = drift.a, drift.b
    raw = []
    for side in (a, b):
        stage = f"{side.stage} → {side.deployment_id or '?'}" + ("" if side.serves_latest else " (not the latest)")
        raw.append(
            f"{side.name:<12} {side.kind.upper()} API {side.api_id} ({side.region}), stage {stage}; "
            f"{side.request} hits {side.hit}"
        )
        if side.source:
            raw.append(f"{'':<12} config {side.source}")
    width = max(len(a.name), len(b.name))
    identity, info = drift.identity, drift.informational
    if identity:
        raw.append(f"{len(identity)} difference(s) change who reaches IIS:")
    else:
        raw.append("no difference changes who reaches IIS")
    for item in identity:
        raw += _difference(item, a.name, b.name, width)
    if info:
        raw.append(f"informational ({len(info)}):")
        for item in info:
            raw += _difference(item, a.name, b.name, width)
    raw += [f"note  {note}" for note in drift.notes]
    return [inert(redact_text(line)) for line in raw]
