"""Size limits of Kamaelia's decoders: the keyword, its check, and how a component ends.

Not public API: ``Kamaelia.Protocol.Framing``, ``Kamaelia.Util.LineSplit``,
the IRC client, SDP, MIME and XML parsers use it.

Example Usage
-------------
In a decoder's ``__init__``::

    from Kamaelia.Support._limits import checkLimit, MAX_LINE_LENGTH

    self.maxlength = checkLimit("LineSplit", "maxlength", maxlength)

and in its component, when the decoder has raised its "too large" error::

    from Kamaelia.Support._limits import endOversized

    endOversized(self, exc, "maxlength", self.maxlength)    # logs, signals; then return

How does it work?
-----------------
Every decoder that collects input until a unit of it (a chunk, a line, a
header, a document's token) is complete has a maximum size for that unit,
given by a keyword whose default is one of the two below. ``None`` means
no limit (for input you trust). Past the limit the decoder raises its own
documented error (a subclass of its module's usual error), and drops what
it held of that unit.

A component whose decoder raised it calls :func:`endOversized`: the reason
is logged as an error (logger of the component's module), naming the
component, the keyword and its value; ``producerFinished(component,
error)`` goes out of ``"signal"``, and the component ends. In a protocol
handler on a network connection that closes the connection (the adapter
closes on ``producerFinished``, after writing what it had queued), and
only that one: the input cannot be trusted any more, and reading on would
only fill memory again.
"""

from __future__ import annotations

import logging
from typing import Any

from Axon.Ipc import producerFinished

__all__ = ["MAX_MESSAGE_SIZE", "MAX_LINE_LENGTH", "checkLimit", "endOversized"]

#: Default largest whole message (a chunk, a frame, a body): 16 MiB.
MAX_MESSAGE_SIZE = 16 * 1024 * 1024
#: Default longest line (or header, or markup token): 64 KiB, as asyncio's
#: ``StreamReader`` limit.
MAX_LINE_LENGTH = 64 * 1024


def checkLimit(owner: str, name: str, value: Any) -> int | None:
    """``value`` as a size limit: a positive int, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive int or None, not {value!r}")
    return value


def endOversized(component: Any, error: Exception, keyword: str, limit: int | None) -> None:
    """Log why ``component`` stops, and send ``producerFinished`` out of its "signal".

    The caller then ends its ``main``.
    """
    logging.getLogger(type(component).__module__).error(
        "%s: %s; the input went past its limit (%s=%s), so %s ends, sending "
        "producerFinished (on a connection, this closes it)", component.name, error,
        keyword, limit, component.name)
    component.send(producerFinished(component, error), "signal")
