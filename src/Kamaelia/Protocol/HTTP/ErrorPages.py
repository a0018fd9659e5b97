"""Kamaelia.Protocol.HTTP.ErrorPages: error pages as response dictionaries or handlers.

Example Usage
-------------
A request handler factory that has nothing to serve returns an error page
handler; code that builds its own response takes the dictionary::

    from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler, getErrorPage

    page = getErrorPage(404, "no such page: /missing")
    print(page["statuscode"], page["type"])          # 404 text/html

    def createRequestHandler(request):
        return ErrorPageHandler(403, "private")      # a component, as handlers are

How does it work?
-----------------
:func:`getErrorPage` ``(errorcode, msg="")`` returns a complete response
dictionary (1.14's shape): ``statuscode`` (the code as a string), ``data``
(a small HTML page with the standard reason phrase and ``msg``, HTML-escaped),
``type`` and 1.14's ``content-type`` (``text/html``), ``charset``
(``utf-8``) and ``complete`` (True, so the server sends a
``Content-Length`` and the connection can be kept alive). Any code gets a
page; 1.14 had text only for 400, 404, 500, 501 and 502 (and an empty body
for the rest).

:func:`ErrorPageHandler` ``(statuscode, message)`` is a handler component
(a :class:`~Kamaelia.Util.OneShot.OneShot`) that sends that dictionary and
then ``producerFinished``, as the HTTP server expects of a request handler.
``websiteErrorPage`` is the same function under the name 1.14's
``HTTPResourceGlue`` and ``SessionExample`` called it by (1.14 never
defined it).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Protocol.HTTP._serverparts import errorPageHTML
from Kamaelia.Util.OneShot import OneShot

__all__ = ["getErrorPage", "ErrorPageHandler", "websiteErrorPage"]


def getErrorPage(errorcode: int, msg: str = "") -> dict[str, Any]:
    """getErrorPage(errorcode, msg="") -> a response dictionary for that error

    - errorcode -- the HTTP status code (an int, or a string of digits)
    - msg -- extra text for the page (escaped)
    """
    try:
        code = int(errorcode)
    except (TypeError, ValueError):
        raise ValueError(f"getErrorPage: errorcode must be an HTTP status code, "
                         f"not {errorcode!r}") from None
    if not 100 <= code <= 999:
        raise ValueError(f"getErrorPage: errorcode must be an HTTP status code, not {errorcode!r}")
    return {
        "statuscode": str(code),
        "data": errorPageHTML(code, str(msg)),
        "type": "text/html",
        "content-type": "text/html",
        "charset": "utf-8",
        "complete": True,
    }


def ErrorPageHandler(statuscode: int, message: str) -> OneShot:
    """ErrorPageHandler(statuscode, message) -> a handler component sending that error page"""
    return OneShot(getErrorPage(statuscode, message))


#: 1.14's modules called the handler by this name.
websiteErrorPage = ErrorPageHandler

__kamaelia_prefabs__ = (ErrorPageHandler,)
