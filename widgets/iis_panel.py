"""IisPanel: IIS's answer: status and substatus with meaning, challenge, server, remapped headers, user, log line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive

from console.model.enums import HopStatus, VerdictKind
from widgets.pane import ScrollPane
from widgets.text import Part, heading, hop_value, line, lines, safe

if TYPE_CHECKING:
    from console.model.trace import IisStatus
    from console.model.views import IisLogLine, IisView


def status_state(status: IisStatus | None) -> str:
    """The CSS class for an IIS status: -empty, -success (1xx–3xx), -client-error (4xx), -server-error (5xx)."""
    if status is None or status.status == 0:  # 0: no status reached the gateway (never shown as a code)
        return "-empty"
    if status.status >= 500:
        return "-server-error"
    return "-client-error" if status.status >= 400 else "-success"


def view_content(view: IisView | None) -> Content:
    """The panel text for the current trace: pending, cancelled and not-reached say so; never a stale answer."""
    if view is None:
        return status_content(None)
    if view.kind is VerdictKind.CANCELLED:
        return Content.styled("– cancelled: the trace was stopped before IIS was seen.", "$text-muted")
    if view.hop_status is HopStatus.NOT_REACHED:
        first = Content.styled("– not reached: an earlier hop stopped the request before IIS.", "$text-muted")
        return lines([first, Content(""), *log_rows(view.log)]) if view.log else first
    if view.status is None:
        if view.kind is VerdictKind.PENDING:
            return Content.styled("· pending: waiting for this trace…", "$text-muted")
        said = view.no_answer or "no probe saw IIS's answer for this trace"
        first = Content.styled(f"? unknown: {said}.", "$text-muted")
        if view.log:
            return lines([first, Content(""), *log_rows(view.log)])
        return lines([first, Content(""), *note_rows(view.log_note)]) if view.log_note else first
    return status_content(view.status, view.hop_status, view.log, note=view.log_note, no_answer=view.no_answer)


def note_rows(note: str) -> list[Content]:
    """No log line: the heading and why (no log configured, a location naming nothing, not written yet …)."""
    return [line(heading("IIS log line")), line(safe(note, "$text-muted"))]


_CONFIDENCE = {"certain": ("●", "$text-success"), "likely": ("◐", "$text-warning"), "possible": ("○", "$text-warning")}
"""How sure a log line is this request's; never ✓, which is the verdict's alone."""


def log_rows(log: IisLogLine | None) -> list[Content]:
    """The decoded log line: where it came from, how sure it is this request's, and its fields."""
    if log is None:
        return []
    glyph, style = _CONFIDENCE.get(log.confidence.value, ("?", "$text-muted"))
    title = "HTTPERR line (http.sys refused it before IIS)" if log.kind == "HTTPERR" else "IIS log line"
    rows = [
        line(heading(title), "  ", (f"{glyph} {log.confidence.value}", f"bold {style}"), " — ", safe(log.reason)),
        line("  ", safe(log.where, "$text-muted")),
    ]
    if log.confidence.value != "certain":
        rows.append(line(("  a guess: not tied by correlation id, so it proves nothing about this request", style)))
    width = max((len(name) for name, _ in log.fields), default=0)
    for name, value in log.fields:
        shown: list[Part] = ["  ", safe(name.ljust(width), "$text-primary"), "  ", safe(value, "bold")]
        if name in ("status", "reason") and log.meaning:
            shown += ["  ", safe(log.meaning, "$text-muted")]
        rows.append(line(*shown))
    return rows


def status_content(
    status: IisStatus | None,
    hop_status: HopStatus | None = None,
    log: IisLogLine | None = None,
    *,
    note: str = "",
    no_answer: str = "",
) -> Content:
    """The whole panel text for an IIS status. ``hop_status`` is the IIS hop's verdict (the diagnosis decides):
    a 200 for the wrong user is still ✗. ``note``: why no log line is shown; ``no_answer``: the sentence shown in
    place of a status that never reached the gateway (status 0 is never shown as a code)."""
    if status is None:
        return Content.styled("No answer from IIS for this trace yet.", "$text-muted")
    if no_answer or status.status == 0:
        return _no_answer_content(status, hop_status, log, note, no_answer)
    state = status_state(status)
    glyph, style = {
        "-success": ("✓", "$text-success"),
        "-client-error": ("✗", "$text-error"),
        "-server-error": ("✗", "$text-error"),
    }[state]
    if hop_status is HopStatus.BROKEN:
        glyph, style = "✗", "$text-error"
    elif hop_status in (HopStatus.WARNING, HopStatus.UNKNOWN) and state == "-success":
        glyph, style = ("!", "$text-warning") if hop_status is HopStatus.WARNING else ("?", "$text-muted")
    code = f"{status.status}" + (f".{status.substatus}" if status.substatus else "")
    first: list[Part] = [(f"{glyph} {code}", f"bold {style}")]
    if status.meaning:
        first += [" ", safe(status.meaning)]
    if status.win32_status:
        first += [(f"  win32 {status.win32_status}", "$text-muted")]
    rows: list[Content | str] = [line(*first)]
    rows.append(line(("server  ", "bold"), safe(status.server) if status.server else ("unknown", "$text-muted")))
    if status.challenge:
        rows.append(
            line(
                ("challenge  ", "bold"),
                ("WWW-Authenticate: ", "$text-warning"),
                safe(", ".join(status.challenge), "bold $text-warning"),
                ("  (IIS wants Windows authentication)", "$text-muted"),
            )
        )
    user = safe(status.user, "bold") if status.user else Content.styled("anonymous / unknown", "$text-warning")
    auth: list[Part] = [("  via ", "$text-muted"), safe(status.auth_type)] if status.auth_type else []
    rows.append(line(("user  ", "bold"), user, *auth))

    # IIS's own line before the remapped headers: it is the witness of who IIS resolved, and a short pane (14 rows
    # on a tall terminal) must show it without scrolling.
    rows += ["", *_log_part(status, log, note)]
    if status.remapped_headers:
        rows += ["", heading("Remapped by the gateway")]
        width = max(len(k) for k, _ in status.remapped_headers)
        rows += [
            line("  ", safe(k.ljust(width), "$text-primary"), "  ", hop_value(k, v, masked=True))
            for k, v in status.remapped_headers
        ]
    return lines(Content(r) if isinstance(r, str) else r for r in rows)


def _log_part(status: IisStatus, log: IisLogLine | None, note: str) -> list[Content]:
    """The decoded line, else the raw one, else why there is none."""
    if log is not None:
        return log_rows(log)
    if status.log_line:
        return [line(heading("IIS log line")), safe(status.log_line)]
    return note_rows(note or "none read for this trace")


def _no_answer_content(
    status: IisStatus, hop_status: HopStatus | None, log: IisLogLine | None, note: str, no_answer: str
) -> Content:
    """No IIS status reached the gateway: a sentence, never a bare code; then the user and IIS's own line."""
    glyph, style = ("✗", "$text-error") if hop_status is HopStatus.BROKEN else ("!", "$text-warning")
    said = no_answer or "no answer from IIS reached the gateway"
    rows: list[Content] = [line((f"{glyph} ", f"bold {style}"), safe(said, "bold"))]
    if status.server:
        rows.append(line(("server  ", "bold"), safe(status.server)))
    if status.user:
        auth: list[Part] = [("  via ", "$text-muted"), safe(status.auth_type)] if status.auth_type else []
        rows.append(line(("user  ", "bold"), safe(status.user, "bold"), *auth))
    return lines([*rows, Content(""), *_log_part(status, log, note)])


class IisPanel(ScrollPane):
    """What IIS answered for this request and who it thinks the caller is."""

    HELP = """\
## IIS response
IIS's answer to this request:

- **status.substatus** with its meaning (401.2: no authentication method accepted the request,
  401.1: logon failed, 403.x: the resolved user is not allowed) and the Win32 status.
- **challenge**: the `WWW-Authenticate` schemes IIS offered (Negotiate, NTLM): IIS expects Windows
  authentication, which a caller through API Gateway cannot give.
- **server**: `Microsoft-IIS/10.0`, or `Microsoft-HTTPAPI/2.0` when http.sys answered before IIS.
- **remapped headers**: `x-amzn-Remapped-*` headers API Gateway returned in place of IIS's own.
- **user**: the user IIS resolved and how.
- **IIS log line**: the W3C line for this request, decoded (time, method, stem, status.substatus.win32 in
  words, user, client address, time-taken, correlation id), the file:line it came from and how sure it is:
  *certain* when its correlation-id field holds this request's id; *possible* when it was only matched by
  time, method and path (a guess that never confirms the caller). An **HTTPERR line** means http.sys
  refused the request before IIS, so the site's log has none; its reason is explained. With no line, the pane
  says why: the profile names no `[iis] log_path`, the location it names holds nothing readable (quoted), or
  the log was searched and holds no line for this request yet (IIS buffers its log before writing it).
- When no answer reached the gateway (an integration timeout), a sentence says so in place of a status, with
  what IIS's log says it did later.
"""

    STATES = ("-empty", "-success", "-client-error", "-server-error")

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "IIS response"
        self.set_body(status_content(None))

    view: reactive[IisView | None] = reactive(None, always_update=True, init=False)
    """The current trace's IIS answer, from the TraceBook; None before the first request."""

    def watch_view(self, view: IisView | None) -> None:
        reached = view is not None and view.hop_status is not HopStatus.NOT_REACHED and not view.no_answer
        shown = view.status if view is not None and reached else None  # no answer reached the gateway: no colour
        broken = view is not None and view.hop_status is HopStatus.BROKEN and shown is not None
        self.set_state("-client-error" if broken else status_state(shown))
        self.set_class(shown is not None and bool(shown.challenge), "-challenge")
        self.set_body(view_content(view))
