"""The request journal as dataclasses, and its masked one-line-per-request rendering."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, urlencode

__all__ = ["AppliedFault", "JournalEntry", "FaultRule", "format_journal", "MASK"]

#: What replaces a secret, as the server writes it.
MASK = "***"

# Field and parameter names whose values are never shown. The server already masks API keys,
# tokens and passwords in what it records; this is a second net for what it cannot know about,
# e.g. a client that puts a key in the query string.
_SECRET_NAME = re.compile(r"(pass(word)?|secret|token|api[_-]?key|apikey|authorization|cookie)", re.I)


@dataclass(frozen=True)
class AppliedFault:
    """The fault rule that changed a request's answer.

    Attributes:
        rule: The rule's id (as returned by ``add_fault``).
        kind: ``"status"``, ``"delay"``, ``"connection_reset"``, ``"empty_response"`` or
            ``"malformed_body"``.
    """

    rule: int
    kind: str


@dataclass(frozen=True)
class JournalEntry:
    """One request the server received, and what it answered.

    Attributes:
        seq: Increasing from 1 for the life of the server (``requests(since=...)`` filters on it).
        time: When the request arrived (RFC 3339, UTC, milliseconds).
        namespace: The namespace it was sent to, ``None`` for the default one.
        method: The HTTP method, e.g. ``"GET"``.
        path: The path as the API saw it, without the ``/ns/{name}`` prefix.
        query: The query string without ``?``, or ``None``.
        headers: ``(name, value)`` pairs, names in lower case, secrets masked (``***``).
        body: The request body: decoded JSON when it parses, else text; passwords masked.
        status: The answer's status, ``None`` when the connection was cut without one.
        duration_ms: How long the server took to answer.
        fault: The fault rule applied, if any.
    """

    seq: int
    time: str
    namespace: Optional[str]
    method: str
    path: str
    query: Optional[str]
    headers: Tuple[Tuple[str, str], ...]
    body: Any
    status: Optional[int]
    duration_ms: float
    fault: Optional[AppliedFault]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "JournalEntry":
        """Build an entry from one item of ``GET /__mock/requests``."""
        fault = data.get("fault")
        return cls(
            seq=int(data["seq"]),
            time=str(data["time"]),
            namespace=data.get("namespace"),
            method=str(data["method"]),
            path=str(data["path"]),
            query=data.get("query"),
            headers=tuple((str(n), str(v)) for n, v in data.get("headers") or ()),
            body=data.get("body"),
            status=data.get("status"),
            duration_ms=float(data.get("duration_ms") or 0.0),
            fault=AppliedFault(rule=int(fault["rule"]), kind=str(fault["kind"])) if fault else None,
        )

    def header(self, name: str) -> Optional[str]:
        """The first value of header ``name`` (any case), or ``None``."""
        lowered = name.lower()
        for key, value in self.headers:
            if key == lowered:
                return value
        return None

    def describe(self, body_chars: int = 200) -> str:
        """One line: method, path and query, body (cut to ``body_chars``), status, fault, time.

        Secrets are masked, including any the server could not know about (query parameters
        and body fields named like a password, key or token).
        """
        target = self.path
        if self.query:
            target += "?" + _mask_query(self.query)
        parts = [self.method, target]
        if self.body is not None:
            text = json.dumps(_mask_value(self.body), ensure_ascii=False, separators=(", ", ": "))
            if len(text) > body_chars:
                text = text[: max(body_chars - 1, 0)] + "…"
            parts.append(text)
        parts.append("->")
        parts.append(str(self.status) if self.status is not None else "no answer")
        if self.fault is not None:
            parts.append(f"[fault #{self.fault.rule}: {self.fault.kind}]")
        parts.append(f"({self.duration_ms:.1f} ms)")
        return " ".join(parts)

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class FaultRule:
    """A fault rule as the server lists it.

    Attributes:
        id: The rule's id (pass it to ``remove_fault``).
        remaining: Uses left before it expires, ``None`` for a rule without ``times``.
        spec: The rule as given: ``method``, ``path``, ``status``, ``fault``, ``delay_ms``, ...
    """

    id: int
    remaining: Optional[int]
    spec: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FaultRule":
        """Build a rule from one item of ``GET /__mock/faults``."""
        spec = {k: v for k, v in data.items() if k not in ("id", "remaining")}
        return cls(id=int(data["id"]), remaining=data.get("remaining"), spec=spec)


def format_journal(entries: Iterable[JournalEntry], limit: int = 200) -> str:
    """The entries as text, one :meth:`JournalEntry.describe` line each, oldest first.

    At most the last ``limit`` entries are shown; a first line says how many were left out.
    """
    items = list(entries)
    if not items:
        return "(no requests)"
    lines = []
    if len(items) > limit:
        lines.append(f"... {len(items) - limit} earlier requests not shown")
        items = items[-limit:]
    lines.extend(f"#{e.seq} {e.describe()}" for e in items)
    return "\n".join(lines)


def _mask_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    if not pairs:
        return query
    return urlencode(
        [(k, MASK if _SECRET_NAME.search(k) else v) for k, v in pairs], safe="*/"
    )


def _mask_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (MASK if isinstance(k, str) and _SECRET_NAME.search(k) else _mask_value(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_value(v) for v in value]
    return value
