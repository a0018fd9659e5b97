"""Kamaelia.Exceptions: the exceptions Kamaelia 1.14's components raise.

Example Usage
-------------
::

    from Kamaelia.Exceptions import BadRequest, connectionDied

    def parse(request):
        try:
            return int(request)
        except ValueError as error:
            raise BadRequest(request, error) from error

    try:
        parse("forty-two")
    except BadRequest as failure:
        print(f"bad request {failure.request!r}: {failure.exception}")

Every exception here is an ``Axon.AxonExceptions.AxonException``, so one
``except AxonException`` catches them all. The connection family forms a small
tree, so code can catch as broadly or narrowly as it needs:

* ``socketSendFailure``: a socket failed while sending;
* ``connectionClosedown``: a connection ended:

  * ``connectionDied``: ... because it failed, with the subclasses
    ``connectionDiedSending`` and ``connectionDiedReceiving`` saying in which
    direction;
  * ``connectionServerShutdown``: ... because its server shut down;

* ``BadRequest(request, innerexception)``: parsing a request failed;
  ``.request`` is the request and ``.exception`` what it raised.

``Kamaelia.KamaeliaExceptions`` is 1.14's older name for this module; both
give the same classes.
"""

from __future__ import annotations

from Axon.AxonExceptions import AxonException

__all__ = ["BadRequest", "connectionClosedown", "connectionDied", "connectionDiedReceiving",
           "connectionDiedSending", "connectionServerShutdown", "socketSendFailure"]


class socketSendFailure(AxonException):
    """A socket failed while sending."""


class connectionClosedown(AxonException):
    """A connection ended (the base of the connection family)."""


class connectionDied(connectionClosedown):
    """A connection ended because it failed."""


class connectionDiedSending(connectionDied):
    """A connection failed while sending."""


class connectionDiedReceiving(connectionDied):
    """A connection failed while receiving."""


class connectionServerShutdown(connectionClosedown):
    """A connection ended because its server shut down."""


class BadRequest(AxonException):
    """BadRequest(request, innerexception): parsing ``request`` raised ``innerexception``.

    The two are kept as ``.request`` and ``.exception`` (1.14's attribute
    names), and both appear in ``str()`` of the error.
    """

    def __init__(self, request: object, innerexception: BaseException) -> None:
        super().__init__(request, innerexception)
        self.request = request
        self.exception = innerexception

    def __str__(self) -> str:
        return f"bad request {self.request!r}: {self.exception!r}"
