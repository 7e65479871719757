"""`baton logs tail PATH`: print IIS records as they are written, across daily rotation; Ctrl-C ends (exit 130)."""

from __future__ import annotations

import argparse
import sys

from console.commands.logs_output import json_line, quarantined_text, record_json, record_text
from console.commands.style import Style
from console.engine.logs.model import Quarantined
from console.sanitize import inert

EXIT_INTERRUPTED = 130
AFRESH = ("truncated", "rewritten in place")
"""Rotations after which the same file is read from its start (what it held before is gone)."""


def run(args: argparse.Namespace) -> int:
    """Follow until interrupted; 2 (one line) when the path cannot be followed."""
    from console.engine.logs.tail import Rotation, follow

    style = Style(color=False if args.no_color else None)
    err = Style(sys.stderr, color=False if args.no_color else None)
    out = sys.stdout
    try:
        for item in follow(args.path, stop=lambda: False, poll=max(args.poll, 0.05), from_start=args.from_start):
            if isinstance(item, Rotation):
                old = f" (was {inert(item.old)})" if item.old and item.old != item.new else ""
                again = "; reading it again from its start" if item.reason in AFRESH else ""
                note = f"baton logs tail: now following {inert(item.new)}: {item.reason}{old}{again}"
                sys.stderr.write(err(note, "dim"))
                sys.stderr.write("\n")
                sys.stderr.flush()
            elif isinstance(item, Quarantined):
                sys.stderr.write(err(f"quarantined {quarantined_text(item)}", "yellow") + "\n")
                sys.stderr.flush()
            else:
                if args.json:
                    json_line(record_json(item), out)
                else:
                    out.write(record_text(item, style) + "\n")
                out.flush()  # `baton logs tail … | grep` sees each record as it comes
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED  # the user ended it: nothing to report
    return 0
