"""requestLine: the parts of a URI request line, such as an HTTP proxy request.

Example Usage
-------------
::

    from Kamaelia.Support.Data.requestLine import requestLine

    request = requestLine("GET http://joe:secret@example.com/news?day=1 HTTP/1.1")
    print(request.method, request.domain, request.url)   # GET example.com /news?day=1
    print(request.user, request.passwd)                   # joe secret
    print(request.protocol, request.version)              # HTTP 1.1
    print(request)              # GET http://joe:secret@example.com/news?day=1 HTTP/1.1

How does it work?
-----------------
``requestLine(request)`` reads a line of the form::

    METHOD scheme://[user[:password]@]domain/path PROTOCOL/version

and keeps its parts as the attributes ``method``, ``reqprotocol`` (the
scheme), ``user`` and ``passwd`` (``""`` when absent), ``domain``, ``url``
(the path from its leading ``/``, with any query), ``protocol`` and
``version``. ``str()`` puts the line back together; :meth:`debug__str__`
lists the parts one per line.

A line that does not have that form -- no method, no ``://``, no ``/``
after the domain, no space before the protocol, no ``/`` in
``PROTOCOL/version`` -- raises :class:`~Kamaelia.KamaeliaExceptions.BadRequest`
carrying the line and the reason (as ``.request`` and ``.exception``).
Only the line is parsed: a ``str``, without its line ending (a trailing
``"\\r\\n"`` or ``"\\n"`` is removed).

What it does not do: it does not accept origin-form request lines
(``GET /path HTTP/1.1``, what HTTP clients send to servers), decode
``%``-escapes, or check that the parts are valid for their protocol.
"""

from __future__ import annotations

from Kamaelia.KamaeliaExceptions import BadRequest

__all__ = ["requestLine", "BadRequest"]


def _split(text: str, separator: str, what: str) -> tuple[str, str]:
    before, found, after = text.partition(separator)
    if not found:
        raise ValueError(f"no {separator!r} {what}")
    return before, after


class requestLine:
    """requestLine(request) -> the parts of ``request``, a URI request line

    Attributes: ``method``, ``reqprotocol``, ``user``, ``passwd``,
    ``domain``, ``url``, ``protocol``, ``version``. Raises ``BadRequest``
    for a line that is not ``METHOD scheme://[user[:pw]@]domain/path PROTO/ver``.
    """

    def __init__(self, request: str) -> None:
        if not isinstance(request, str):
            raise BadRequest(request, TypeError(f"a request line must be a str, not "
                                                f"{type(request).__name__}"))
        line = request[:-2] if request.endswith("\r\n") else request.rstrip("\n")
        try:
            self.method, rest = _split(line, " ", "after the method")
            self.reqprotocol, rest = _split(rest, "://", "after the scheme")
            userdomain, rest = _split(rest, "/", "after the domain")
            userpass, at, domain = userdomain.partition("@")
            if not at:
                userpass, domain = "", userdomain
            self.domain = domain
            user, colon, passwd = userpass.partition(":")
            self.user, self.passwd = user, passwd if colon else ""
            path, protocolandver = _split("/" + rest, " ", "before the protocol")
            self.url = path
            self.protocol, self.version = _split(protocolandver, "/",
                                                 "between the protocol and its version")
        except ValueError as exc:
            raise BadRequest(request, exc) from None

    def debug__str__(self) -> str:
        """The parts, one per line (as Kamaelia 1.14 printed them)."""
        return (f"METHOD  \t:{self.method}\n"
                f"PROTOCOL\t:{self.protocol}\n"
                f"VERSION \t:{self.version}\n"
                f"Req Type\t:{self.reqprotocol}\n"
                f"USER    \t:{self.user}\n"
                f"PASSWORD\t:{self.passwd}\n"
                f"DOMAIN  \t:{self.domain}\n"
                f"URL     \t:{self.url}")

    def __str__(self) -> str:
        credentials = ""
        if self.user:
            credentials = self.user + (":" + self.passwd if self.passwd else "") + "@"
        return (f"{self.method} {self.reqprotocol}://{credentials}{self.domain}{self.url} "
                f"{self.protocol}/{self.version}")

    def __repr__(self) -> str:
        return f"requestLine({str(self)!r})"
