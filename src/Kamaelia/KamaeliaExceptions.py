"""Kamaelia.KamaeliaExceptions: 1.14's older name for :mod:`Kamaelia.Exceptions`.

Example Usage
-------------
::

    from Kamaelia.KamaeliaExceptions import connectionDied   # as old code has it

The classes are the very same objects as in ``Kamaelia.Exceptions``, so an
``except`` written against either name catches exceptions raised under the
other.
"""

from __future__ import annotations

from Kamaelia.Exceptions import (BadRequest, connectionClosedown, connectionDied,
                                 connectionDiedReceiving, connectionDiedSending,
                                 connectionServerShutdown, socketSendFailure)

__all__ = ["BadRequest", "connectionClosedown", "connectionDied", "connectionDiedReceiving",
           "connectionDiedSending", "connectionServerShutdown", "socketSendFailure"]
