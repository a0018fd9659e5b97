"""ParticleDragger: click a TopologyViewer's node to select it, and drag it about with the mouse.

Example Usage
-------------
The TopologyViewer binds it for itself; a viewer of your own (a
``PyGameApp`` with ``physics``, ``left``, ``top``, ``biggestRadius`` and
``selectParticle``, as the TopologyViewer has) binds it the same way::

    import pygame
    from Kamaelia.Visualisation.PhysicsGraph.ParticleDragger import ParticleDragger

    class MyViewer(TopologyViewer):
        def initialiseComponent(self):
            super().initialiseComponent()    # which already does this:
            self.addHandler(pygame.MOUSEBUTTONDOWN,
                            lambda event: ParticleDragger.handle(event, self))

How does it work?
-----------------
A :class:`Kamaelia.UI.MH.DragHandler`. When a mouse button goes down,
``detect(pos, button)`` turns the position on the surface into the graph's
coordinates (adding the view's scroll, ``app.left`` and ``app.top``) and
asks ``app.physics.withinRadius`` for the particles near it. Of those whose
disc (``radius``) contains the point, the one whose centre is nearest is
chosen: it is frozen (the physics no longer moves it), selected
(``app.selectParticle(particle)``, which tells the viewer's ``"outbox"``)
and the drag starts from its centre. A press on no particle selects nothing
(``app.selectParticle(None)``) and starts no drag.

While the button is held each movement moves the particle (``drag``: its
``pos`` is set and ``app.physics.updateLoc`` told); on release
(``release``) it is moved a last time and unfrozen, so the physics takes
it from there. A click without movement is a drag that ends where it began.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.MH.DragHandler import DragHandler

__all__ = ["ParticleDragger"]


class ParticleDragger(DragHandler):
    """ParticleDragger(event, app) -> new ParticleDragger (bind ParticleDragger.handle)

    - event -- the MOUSEBUTTONDOWN pygame event
    - app   -- the TopologyViewer it happens in
    """

    particle: Any = None

    def _under(self, pos: tuple[int, int]) -> Any:
        """The particle whose disc holds ``pos`` (graph coordinates) and whose
        centre is nearest to it, or None."""
        nearby = self.app.physics.withinRadius(pos, self.app.biggestRadius)
        hits = [(distSquared, index, particle)
                for index, (particle, distSquared) in enumerate(nearby)
                if particle.radius * particle.radius >= distSquared]
        return min(hits, key=lambda hit: hit[:2])[2] if hits else None

    def detect(self, pos: tuple[int, int], button: int) -> Any:
        """The (x, y) of the particle under the mouse (and select and freeze it),
        or False (and select nothing)."""
        where = (int(pos[0] + self.app.left), int(pos[1] + self.app.top))
        self.particle = self._under(where)
        self.app.selectParticle(self.particle)
        if self.particle is None:
            return False
        self.particle.freeze()
        return tuple(self.particle.getLoc())

    def drag(self, newx: float, newy: float) -> None:
        """Move the particle to (newx, newy) in the graph."""
        self.particle.pos = (newx, newy)
        self.app.physics.updateLoc(self.particle)

    def release(self, newx: float, newy: float) -> None:
        """Move the particle a last time and let the physics have it back."""
        self.drag(newx, newy)
        self.particle.unFreeze()
