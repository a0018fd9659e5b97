"""Router: 1.14's other module name for the whiteboard's Router.

Example Usage
-------------
::

    from Kamaelia.Apps.Whiteboard.Router import Router, TwoWaySplitter

    router = Router((lambda T: T[0] == "SOUND", "audio"),
                    (lambda T: T[0] != "SOUND", "whiteboard"))

How does it work?
-----------------
1.14 had two copies of this module (``Router`` and ``Routers``); 1.14's
whiteboard imported ``Router`` from this one. Both names now give the same
classes: :class:`Kamaelia.Apps.Whiteboard.Routers.Router` (each message
goes out of the outbox of every rule it passes) and
:class:`Kamaelia.Apps.Whiteboard.TwoWaySplitter.TwoWaySplitter`. See
those modules for their boxes and shutdown behaviour.
"""

from __future__ import annotations

from Kamaelia.Apps.Whiteboard.Routers import Router
from Kamaelia.Apps.Whiteboard.TwoWaySplitter import TwoWaySplitter

__all__ = ["Router", "TwoWaySplitter"]
