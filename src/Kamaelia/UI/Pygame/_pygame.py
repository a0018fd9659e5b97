"""The one place Kamaelia.UI imports pygame from (not public API).

Every module of ``Kamaelia.UI.Pygame`` does ``from Kamaelia.UI.Pygame._pygame
import pygame``. That import:

* tells pygame not to print its "Hello from the pygame community" banner
  (``PYGAME_HIDE_SUPPORT_PROMPT``): it goes to standard output, where it
  would corrupt the output of any program that prints (a Pipeline ending
  in a ``ConsoleEchoer``, the examples' tests). A program that set the
  variable itself keeps its value.
* turns a missing pygame into an ImportError that says what to install.

The library is written for `pygame-ce <https://pyga.me>`_, the maintained
fork of pygame, which is imported as ``pygame`` too (``pip install
'kamaelia[ui]'``). Plain pygame 2 mostly works, but is not tested.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

try:
    import pygame
except ImportError as exc:          # pragma: no cover - the ui extra is installed in tests
    raise ImportError("Kamaelia.UI.Pygame needs pygame-ce: pip install 'kamaelia[ui]' "
                      "(or pip install pygame-ce)") from exc

__all__ = ["pygame"]
