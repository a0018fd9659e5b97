"""Kamaelia.Apps.Grey.postfix: Postfix's policy delegation protocol, sans-I/O, for the greylist.

Example Usage
-------------
::

    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.policy import Greylist
    from Kamaelia.Apps.Grey.postfix import (PolicyRequestParser, checkPolicyRequest,
                                            encodePolicyRequest, policyAnswer)
    from Kamaelia.Apps.Grey.store import SQLiteStore

    store = SQLiteStore(":memory:")
    greylist = Greylist(GreyConfig(), store)
    parser = PolicyRequestParser()                 # one per connection from Postfix

    data = encodePolicyRequest({"request": "smtpd_access_policy", "protocol_state": "RCPT",
                                "client_address": "192.0.2.7", "helo_name": "mx.example.net",
                                "sender": "alice@example.net", "recipient": "bob@example.org"})
    for request in parser.feed(data[:10]) + parser.feed(data[10:]):    # bytes as they come
        answer = policyAnswer(checkPolicyRequest(greylist, request))
        print(answer)    # b'action=DEFER_IF_PERMIT 4.7.1 Greylisted, please try again in 300 seconds\\n\\n'
    store.close()

How does it work?
-----------------
Postfix is pointed at the policy service in ``main.cf`` as at postgrey::

    smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination,
        check_policy_service inet:127.0.0.1:10023

Postfix opens a connection (and keeps it for many requests); each request
is lines of ``name=value``, each ending ``\\n``, and then an empty line. The
answer is ``action=...`` and an empty line.

* :class:`PolicyRequestParser` takes the bytes as they arrive
  (``feed(data)``, any split) and gives back each complete request as a
  dictionary of strings (values decoded as UTF-8, a bad byte becoming
  U+FFFD: a request is never refused for its bytes). A ``\\r`` before the
  ``\\n`` is tolerated; when a name comes twice the last value wins, as in
  postgrey. A request of more than ``maxAttributes`` (100) lines, a line
  of more than ``maxLineLength`` (2048) bytes (found as soon as that many
  bytes have come without a line end, so memory stays bounded), or a line
  without ``=`` or with an empty name raises :class:`PolicyProtocolError`:
  the caller closes the connection (Postfix then logs the failure and
  tries again). After an error the parser refuses everything.
* :func:`checkPolicyRequest` asks the greylist about a request of
  ``request=smtpd_access_policy`` in ``protocol_state=RCPT`` (from
  ``client_address``, ``helo_name``, ``sender``, ``recipient``); any other
  request, or one with no client address or recipient, is
  ``"not-applicable"``: accept.
* :func:`policyAnswer` turns a verdict into Postfix's words: ``DUNNO``
  (accept: this check has no objection, Postfix goes on with its other
  restrictions), ``DEFER_IF_PERMIT 4.7.1 ...`` (defer, unless a later
  restriction rejects anyway, as postgrey answers), ``REJECT 5.7.1 ...``.
* :func:`encodePolicyRequest` makes a request's bytes (for clients and tests).
"""

from __future__ import annotations

from typing import Mapping

from Kamaelia.Apps.Grey.policy import Greylist, Verdict

__all__ = ["PolicyRequestParser", "PolicyProtocolError", "policyAnswer", "checkPolicyRequest",
           "encodePolicyRequest", "MAX_ATTRIBUTES", "MAX_LINE_LENGTH"]

#: The most ``name=value`` lines in one request.
MAX_ATTRIBUTES = 100
#: The longest line, in bytes, without its line end.
MAX_LINE_LENGTH = 2048


class PolicyProtocolError(ValueError):
    """What Postfix (or whoever is on the line) sent is not a policy request; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class PolicyRequestParser:
    """PolicyRequestParser(maxAttributes=100, maxLineLength=2048) -> a parser for one connection

    ``feed(data) -> [request, ...]``: the requests completed by ``data``;
    ``pending``: whether part of a request is waiting for more bytes.
    """

    def __init__(self, maxAttributes: int = MAX_ATTRIBUTES,
                 maxLineLength: int = MAX_LINE_LENGTH) -> None:
        for name, value in (("maxAttributes", maxAttributes), ("maxLineLength", maxLineLength)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"PolicyRequestParser: {name} must be an int >= 1, not {value!r}")
        self.maxAttributes, self.maxLineLength = maxAttributes, maxLineLength
        self._buffer = bytearray()
        self._request: dict[str, str] = {}
        self._lines = 0
        self.failed: PolicyProtocolError | None = None

    @property
    def pending(self) -> bool:
        return bool(self._buffer) or self._lines > 0

    def feed(self, data: bytes) -> list[dict[str, str]]:
        if self.failed is not None:
            raise self.failed
        try:
            return self._feed(data)
        except PolicyProtocolError as error:
            self.failed = error
            self._buffer.clear()
            raise

    def _feed(self, data: bytes) -> list[dict[str, str]]:
        self._buffer += data
        requests: list[dict[str, str]] = []
        start = 0
        buffer = self._buffer
        while True:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            line = bytes(buffer[start:end])
            start = end + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            self._line(line, requests)
        del buffer[:start]
        if len(buffer) > self.maxLineLength + 1:         # + 1: room for a "\r" before the "\n"
            raise PolicyProtocolError(f"a line is longer than {self.maxLineLength} bytes "
                                      f"({bytes(buffer[:40])!r}...)")
        return requests

    def _line(self, line: bytes, requests: list[dict[str, str]]) -> None:
        if len(line) > self.maxLineLength:
            raise PolicyProtocolError(f"a line is longer than {self.maxLineLength} bytes "
                                      f"({line[:40]!r}...)")
        if not line:
            requests.append(self._request)
            self._request, self._lines = {}, 0
            return
        self._lines += 1
        if self._lines > self.maxAttributes:
            raise PolicyProtocolError(f"a request has more than {self.maxAttributes} attributes")
        name, equals, value = line.partition(b"=")
        if not equals:
            raise PolicyProtocolError(f"not a name=value line: {line[:80]!r}")
        if not name.strip():
            raise PolicyProtocolError(f"a line has no name before '=': {line[:80]!r}")
        self._request[name.strip().decode("utf-8", "replace")] = value.decode("utf-8", "replace")


def _oneLine(text: str) -> str:
    return " ".join(text.split())


def policyAnswer(verdict: Verdict) -> bytes:
    """The answer to send Postfix for ``verdict`` (``b"action=DUNNO\\n\\n"`` for accept)."""
    if verdict.action == "accept":
        action = "DUNNO"
    elif verdict.action == "defer":
        action = _oneLine(f"DEFER_IF_PERMIT {verdict.enhanced} {verdict.text}")
    elif verdict.action == "reject":
        action = _oneLine(f"REJECT {verdict.enhanced} {verdict.text}")
    else:
        raise ValueError(f"policyAnswer: verdict action must be accept, defer or reject, "
                         f"not {verdict.action!r}")
    return f"action={action}\n\n".encode("utf-8")


def checkPolicyRequest(greylist: Greylist, request: Mapping[str, str]) -> Verdict:
    """The greylist's verdict on one parsed request (blocking: it asks the store)."""
    if (request.get("request") != "smtpd_access_policy"
            or request.get("protocol_state", "").upper() != "RCPT"
            or not request.get("client_address", "").strip()
            or not request.get("recipient", "").strip()):
        return Verdict.accept("not-applicable")
    return greylist.check(request["client_address"], request.get("helo_name", ""),
                          request.get("sender", ""), request["recipient"])


def encodePolicyRequest(attributes: Mapping[str, str]) -> bytes:
    """The bytes of a request with these attributes (names without ``=``, no line ends)."""
    lines = []
    for name, value in attributes.items():
        if not name or "=" in name or any(c in text for c in "\r\n" for text in (name, value)):
            raise ValueError(f"encodePolicyRequest: cannot send the attribute {name!r}={value!r}")
        lines.append(f"{name}={value}\n")
    return ("".join(lines) + "\n").encode("utf-8")
