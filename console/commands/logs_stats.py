"""`baton logs stats`: what a day of IIS logs says — statuses, who was refused where, per hour, and every odd line."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from console.commands.logs_output import json_line, meaning_of, quarantined_text, short_words
from console.commands.progress import Progress
from console.commands.style import Style
from console.sanitize import inert

if TYPE_CHECKING:
    from console.engine.logs.model import Tally
    from console.engine.logs.stats import LogStats


def run(args: argparse.Namespace) -> int:
    """Count everything; exit 0 when every file was read to its end (2, with nothing printed, when one was not)."""
    from console.engine.logs.sources import expand
    from console.engine.logs.stats import stats

    sources = expand(args.paths, warn=_warn)
    with Progress([s.size() for s in sources], "counting") as bar:
        result = stats(sources, progress=bar.overall())
    if args.json:
        json_line(stats_json(result), sys.stdout)
    else:
        sys.stdout.write(render_text(result, Style(color=False if args.no_color else None), max(args.top, 1)))
    return 0


def stats_json(result: LogStats) -> dict[str, Any]:
    """The engine's document, with the five counts at top level and per file, whatever else it carries."""
    document = dict(result.as_dict())
    document.update(result.tally.as_dict())
    if "files" not in document:
        document["files"] = [_file_json(t) for t in result.files]
    return document


def _file_json(tally: Tally) -> dict[str, Any]:
    return {"source": tally.source, **tally.as_dict(), "truncated_last_line": tally.truncated_last_line}


def render_text(result: LogStats, s: Style, top: int) -> str:
    """Totals, per file, statuses with their meaning, top 401/403, per-hour histogram, quarantined lines."""
    t = result.tally
    out = [
        f"{s('Lines', 'bold')}  {t.lines:,}  (records {t.records:,} · directives {t.directives:,} · "
        f"blank {t.blank:,} · quarantined {t.quarantined:,})"
    ]
    if len(result.files) > 1 or any(f.truncated_last_line for f in result.files):
        out += ["", s("Files", "bold")]
        for f in result.files:
            note = s("  (last line unfinished: IIS may still be writing it)", "yellow") if f.truncated_last_line else ""
            out.append(
                f"  {inert(f.source)}  lines {f.lines:,}  records {f.records:,}  directives {f.directives:,}  "
                f"blank {f.blank:,}  quarantined {f.quarantined:,}{note}"
            )
    out += _counter("Status (status.substatus.win32)", result.by_status, s, top=None, words=True)
    out += _counter("Top 401/403 by path", result.top_401_403_paths, s, top=top)
    out += _counter("Top 401/403 by user", result.top_401_403_users, s, top=top)
    out += _histogram(result.per_hour, s)
    if result.quarantined:
        more = t.quarantined - len(result.quarantined)
        title = "Quarantined lines" + (f" (first {len(result.quarantined)}; {more:,} more)" if more > 0 else "")
        out += ["", s(title, "bold", "yellow")]
        out += [f"  {quarantined_text(q)}" for q in result.quarantined]
    return "\n".join(out) + "\n"


def _counter(title: str, counts: Counter[str], s: Style, *, top: int | None, words: bool = False) -> list[str]:
    if not counts:
        return []
    items = counts.most_common(top)
    width = max(len(inert(k or "-")) for k, _ in items)
    lines = ["", s(title, "bold")]
    for key, n in items:
        label = inert(key) if key else "- (anonymous)" if "user" in title else "-"
        meaning = s(f"  {inert(_status_words(key))}", "dim") if words else ""
        lines.append(f"  {label:<{width}}  {n:>9,}{meaning}")
    if top is not None and len(counts) > top:
        lines.append(s(f"  … {len(counts) - top:,} more", "dim"))
    return lines


def _status_words(code: str) -> str:
    parts = code.split(".")
    numbers = [int(p) if p.isdigit() and len(p) <= 20 else None for p in parts] + [None, None]
    return short_words(meaning_of(numbers[0], numbers[1], numbers[2]))


def _histogram(per_hour: Counter[str], s: Style) -> list[str]:
    if not per_hour:
        return []
    peak = max(per_hour.values())
    lines = ["", s("Per hour (UTC)", "bold")]
    for hour in sorted(per_hour):
        n = per_hour[hour]
        bar = "█" * max(1, n * 40 // peak)
        lines.append(f"  {inert(hour)}  {n:>9,}  {s(bar, 'cyan')}")
    return lines


def _warn(text: str) -> None:
    """One warning line on stderr (the text is already inert): what was left out while finding the logs."""
    sys.stderr.write(f"baton: warning: {inert(text)}\n")
    sys.stderr.flush()
