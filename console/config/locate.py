"""Find the line of a TOML key or table by scanning the text (tomllib gives no positions)."""

from __future__ import annotations

import re

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_KEY = rf"{_PART}(?:\s*\.\s*{_PART})*"
_TABLE = re.compile(rf"^\s*\[\[?\s*({_KEY})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_KEY})\s*=")
_INLINE_KEY = re.compile(rf"(?:^|[{{,])\s*({_KEY})\s*=")
_PART_RE = re.compile(_PART)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}

Path = tuple[str, ...]

RECORDED_DEPTH = 8
"""Key paths are recorded this deep at most: the format is 3 deep, and recording every prefix of a hostile
20 000-part dotted key was quadratic (seconds for 40 KB, gigabytes for 50 MB)."""


def split_key(text: str) -> Path:
    """``a."b.c".d`` → ("a", "b.c", "d")."""
    parts: list[str] = []
    for match in _PART_RE.finditer(text):
        part = match.group(0)
        if part[0] == '"':
            part = _unescape(part[1:-1])
        elif part[0] == "'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _unescape(text: str) -> str:
    """A basic string's escapes decoded as tomllib decodes them (``\\u001b`` → ESC), so a key written with
    escapes is found under the name the validator reports."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code is not None:
            value = int(code, 16)
            return chr(value) if value <= 0x10FFFF else match.group(0)
        return _SIMPLE_ESCAPES.get(match.group(3), match.group(0))

    return _ESCAPE.sub(one, text)


def _strip_strings(line: str) -> str:
    """The line with string contents blanked, so braces and '=' inside strings do not count."""
    return re.sub(rf"{_BASIC}|{_LITERAL}", lambda m: '"' + "_" * (len(m.group(0)) - 2) + '"', line)


class Locator:
    """Maps key paths to 1-based line numbers in one TOML text; first occurrence wins."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        self.deepest: tuple[int, int] = (0, 0)
        """(parts, line) of the longest dotted key or deepest inline table seen."""
        self._scan(text)

    def _record(self, path: Path, line: int) -> None:
        self._lines.setdefault(path[:RECORDED_DEPTH], line)

    def _depth(self, parts: int, line: int) -> None:
        if parts > self.deepest[0]:
            self.deepest = (parts, line)

    def _record_prefixes(self, base: Path, key: Path, line: int) -> None:
        self._depth(len(base) + len(key), line)
        for depth in range(1, min(len(key), RECORDED_DEPTH) + 1):
            self._record(base + key[:depth], line)

    def _scan(self, text: str) -> None:
        table: Path = ()
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline is not None:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _TABLE.match(line)
            if header:
                table = split_key(header.group(1))
                self._record_prefixes((), table, number)
                table = table[:RECORDED_DEPTH]
                continue
            assign = _ASSIGN.match(line)
            if not assign:
                # an inline table inside a multi-line array: its keys are only measured, not recorded
                self._scan_inline((), line, number, record=False)
                continue
            key = split_key(assign.group(1))
            self._record_prefixes(table, key, number)
            key = key[:RECORDED_DEPTH]
            rest = line[assign.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
            self._scan_inline(table + key, rest, number)

    def _scan_inline(self, base: Path, rest: str, number: int, *, record: bool = True) -> None:
        """Record the keys of an inline table written on this line (one level deep per brace)."""
        cleaned = _strip_strings(rest)
        start = cleaned.find("{")
        if start < 0:
            return
        depth = 0
        stack: list[Path] = [base]
        last_key: Path = base
        position = start
        while position < len(cleaned):
            char = cleaned[position]
            if char == "{":
                depth += 1
                self._depth(len(last_key) + 1, number)
                if depth > RECORDED_DEPTH:
                    return  # deeper than any key of the format; tomllib reports the nesting itself
                stack.append(last_key)
            elif char == "}":
                depth -= 1
                stack.pop()
                if depth == 0:
                    return
            match = _INLINE_KEY.match(cleaned, position) if char in "{," else None
            if match:
                original = rest[match.start(1) : match.end(1)]
                inner = split_key(original)
                if record:
                    self._record_prefixes(stack[-1], inner, number)
                else:
                    self._depth(len(stack[-1]) + len(inner), number)
                last_key = (stack[-1] + inner)[:RECORDED_DEPTH]
                position = match.end()
                continue
            position += 1

    def line_of(self, path: Path) -> int | None:
        """The line where ``path`` is written, or None."""
        return self._lines.get(path)

    def line_near(self, path: Path) -> int | None:
        """The line of ``path`` or of its nearest written parent (a missing key → its table)."""
        for depth in range(len(path), 0, -1):
            line = self._lines.get(path[:depth])
            if line is not None:
                return line
        return None
