"""Kamaelia 1.14's old name for ``Kamaelia.UI.Pygame.Display``.

Example Usage
-------------
::

    from Kamaelia.UI.PygameDisplay import PygameDisplay      # 1.14's old import
    service = PygameDisplay.getDisplayService()

How does it work?
-----------------
``PygameDisplay`` here is the very class in ``Kamaelia.UI.Pygame.Display``
(so ``isinstance`` and subclasses behave either way). Importing this
module logs a note (see ``Kamaelia._oldnames``). 1.14's
``_PygameEventSource`` thread is gone: the display needs no thread.
"""

from Kamaelia._oldnames import oldName
from Kamaelia.UI.Pygame.Display import PygameDisplay

__all__ = ["PygameDisplay"]

oldName(__name__, "Kamaelia.UI.Pygame.Display")
