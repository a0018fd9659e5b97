"""What Kamaelia.UI raises when there is no screen (not public API: import
``DisplayUnavailable`` from ``Kamaelia.UI.Pygame.Display`` or
``Kamaelia.UI.Tk.TkWindow``)."""

from __future__ import annotations

__all__ = ["DisplayUnavailable", "NO_DISPLAY_HINT"]

#: How to get a screen, for the end of every "no display" message.
NO_DISPLAY_HINT = ("Run it on a desktop, or under a virtual X server (Xvfb: "
                   "`xvfb-run python program.py`; Debian package xvfb), or set "
                   "SDL_VIDEODRIVER=dummy to draw without showing anything (pygame "
                   "only: tests, servers).")


class DisplayUnavailable(RuntimeError):
    """There is no screen to open a window on.

    It ends the whole run (the scheduler lets it through, ``axonReraise``),
    so that a program never waits for a window that cannot appear.
    """

    axonReraise = True
