"""TopologyViewer: a pygame component that draws a graph of nodes and links, laid out by simple physics.

Example Usage
-------------
Type topology commands at the console and watch the graph change::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader
    from Kamaelia.Visualisation.PhysicsGraph.lines_to_tokenlists import lines_to_tokenlists
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

    Pipeline(ConsoleReader(), lines_to_tokenlists(), TopologyViewer()).run()

and then, for example::

    >>> ADD NODE 1 "1st node" randompos -
    >>> ADD NODE 2 "2nd node" 400,300 -
    >>> ADD LINK 1 2
    >>> DEL NODE 1
    >>> DEL ALL

The nodes spread out and the links pull them together; drag a node with the
mouse to move it, click one to select it. To watch a running Kamaelia
system, feed it the text of :mod:`Kamaelia.Util.Introspector` (through
``chunks_to_lines`` and ``lines_to_tokenlists``, as
:mod:`.TopologyViewerServer` does).

How does it work?
-----------------
The viewer is a :class:`Kamaelia.UI.MH.PyGameApp`: it asks the pygame
display service (:mod:`Kamaelia.UI.Pygame.Display`) for a surface of
``screensize`` and hears the mouse and keys through it. The graph is a
:class:`Kamaelia.Support.Particles.ParticleSystem` of particles (nodes)
bonded to each other (links); the physics ``laws`` (default
``SimpleLaws(bondLength=100)``) push nodes apart and pull linked nodes to
the bond length.

**Commands** arrive on ``"inbox"`` as lists (or tuples) of words, as 1.14
took them; the first two words are not case-sensitive:

* ``["ADD", "NODE", id, name, posSpec, particleType]`` -- a new node.
  ``posSpec`` is ``"randompos"``, ``"auto"`` or ``"random"`` (somewhere on
  the surface, at least ``border`` pixels from its edges), or ``"x,y"``
  (integers; ``"(x,y)"`` also reads). ``particleType`` names an entry of
  ``particleTypes`` (default ``{"-": RenderingParticle}``); its class is made
  as ``cls(position=(x, y), ID=id, name=name)``.
* ``["DEL", "NODE", id]`` -- remove a node and its links.
* ``["ADD", "LINK", fromId, toId]`` / ``["DEL", "LINK", fromId, toId]`` --
  a link from one node to another (adding one twice adds it once).
* ``["DEL", "ALL"]`` -- remove everything.
* ``["GET", "ALL"]`` -- send ``("TOPOLOGY", commands)``: the commands that
  build the graph as it is, starting with ``("DEL", "ALL")``.
* ``["UPDATE_NAME", "NODE", id, name]`` -- rename a node (an unknown id is
  ignored: it does not make a node).
* ``["GET_NAME", "NODE", id]`` -- send ``("UPDATE_NAME", "NODE", id, name)``
  (``name`` None for an unknown id).
* ``["FREEZE", "ALL"]`` / ``["UNFREEZE", "ALL"]`` -- stop or restart the
  physics for every node.

A command that cannot be carried out (unknown, the wrong number of words,
an id that is not there, an id used twice, an unknown particle type, a bad
position) changes nothing and sends ``("ERROR", "Error processing message :
<command> reason: <why>")`` out of ``"outbox"``.

**The mouse and keys.** Pressing a mouse button on a node selects it
(sending ``("SELECT", "NODE", id)``); pressing it elsewhere selects nothing
(``("SELECT", "NODE", None)``); each is sent only when the selection
changes. Holding the button drags the node (:mod:`.ParticleDragger`).
The arrow keys scroll the view, faster the longer they are held; ``f``
switches full screen on and off; Escape or ``q`` quits.

**Drawing.** Each frame the physics takes ``simCyclesPerRedraw`` steps, the
surface is filled white and everything is drawn in passes: each particle's
``render(surface)`` (and the ``GridRenderer``'s, with ``showGrid``, and
``extraDrawing``'s) is a generator that yields the number of the pass it
wants to draw in next, and draws when resumed; passes run in ascending
order (the grid in pass -1, a RenderingParticle's links in 1, its disc in
2), so what is drawn in a low pass lies under what is drawn in a higher one.
A particle class of your own implements ``render``, ``setOffset((left,
top))`` (the view scrolled), ``select()`` and ``deselect()``, as
:class:`.RenderingParticle` does.

Frames are drawn only when something changed (a command, a click, a drag,
scrolling) and while the nodes are still moving, at most ``fps`` (30) a
second; once every node has come to rest (the laws damp small velocities to
zero) the viewer sleeps until a message or an event arrives, using no CPU.
Commands that arrive together are all carried out before the next frame.

**Shutdown.** ``shutdownMicroprocess`` on ``"control"``: passed on out of
``"signal"``; the surface is given back to the display and the viewer ends.
``producerFinished`` is ignored (as in 1.14 since 2008: the graph stays on
show after its source has finished). Closing the window, Escape or ``q``
calls ``quit()``, which, as in 1.14, stops the whole system (the
scheduler): the viewer is the program's window.

Boxes
-----
Inboxes: ``"inbox"`` (commands), ``"control"`` (shutdown), ``"alphacontrol"``
(0..255: the surface's opacity), ``"events"`` and ``"displaycontrol"``
(from the display). Outboxes: ``"outbox"`` (``SELECT``, ``ERROR``,
``TOPOLOGY`` and ``UPDATE_NAME`` messages), ``"signal"`` (the shutdown
message, passed on), ``"displaysignal"`` (to the display).

Differences from 1.14
---------------------
1.14 redrew as fast as it could, a whole core's worth, even when nothing
moved, and handled one command per frame; ``UNFREEZE ALL`` froze
everything; ``GET ALL`` failed on any link (it called a method particles do
not have) and wrote every position as ``random``, which its own ``ADD NODE``
refused (here the position is written as ``x,y``, and ``random`` is read);
an unknown particle type was silently ignored; a duplicate id made a second,
unreachable node; ``shutdownMicroprocess`` stopped the whole scheduler, as
quitting does (here it ends the viewer only); ``ERROR`` messages carried a
traceback (here one line of reason).
"""

from __future__ import annotations

import logging
import random
import re
import time
from typing import Any, Iterator, Sequence

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Support.Particles import ParticleSystem, SimpleLaws
from Kamaelia.UI.MH.PyGameApp import PyGameApp
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import connect
from Kamaelia.Visualisation.PhysicsGraph.GridRenderer import GridRenderer
from Kamaelia.Visualisation.PhysicsGraph.ParticleDragger import ParticleDragger
from Kamaelia.Visualisation.PhysicsGraph.RenderingParticle import RenderingParticle

__all__ = ["TopologyViewer"]

log = logging.getLogger("Kamaelia.Visualisation.PhysicsGraph")

BACKGROUND = (255, 255, 255)
GRID_COLOUR = (200, 200, 200)

_RANDOM_POSITIONS = ("randompos", "auto", "random")
_POSITION = re.compile(r"([+-]?[0-9]+),([+-]?[0-9]+)")

# (first word, second word) -> (number of words, the method that carries it out)
_COMMANDS: dict[tuple[str, str], tuple[int, str]] = {
    ("ADD", "NODE"): (6, "_addNode"),
    ("DEL", "NODE"): (3, "removeParticle"),
    ("ADD", "LINK"): (4, "makeBond"),
    ("DEL", "LINK"): (4, "breakBond"),
    ("DEL", "ALL"): (2, "_removeAll"),
    ("GET", "ALL"): (2, "_sendTopology"),
    ("UPDATE_NAME", "NODE"): (4, "updateParticleLabel"),
    ("GET_NAME", "NODE"): (3, "_sendName"),
    ("FREEZE", "ALL"): (2, "freezeAll"),
    ("UNFREEZE", "ALL"): (2, "unFreezeAll"),
}

# Arrow key -> which scroll speed it sets ("dleft" or "dtop") and its sign.
_SCROLL_KEYS = {pygame.K_LEFT: ("dleft", -1), pygame.K_RIGHT: ("dleft", 1),
                pygame.K_UP: ("dtop", -1), pygame.K_DOWN: ("dtop", 1)}
_SCROLL_START = 4


class CommandError(ValueError):
    """A topology command that cannot be carried out (reported on "outbox")."""


class TopologyViewer(PyGameApp, component):
    """TopologyViewer(screensize=(800, 600), fullscreen=False, caption="Topology Viewer",
    particleTypes=None, initialTopology=None, laws=None, simCyclesPerRedraw=None,
    border=100, extraDrawing=None, showGrid=True, transparency=None, position=None)
    -> new TopologyViewer component

    - screensize         -- (width, height) of its surface
    - fullscreen         -- switch the window to full screen
    - caption            -- the window's title
    - particleTypes      -- {type name: particle class} (default {"-": RenderingParticle})
    - initialTopology    -- (particles, [(fromId, toId), ...]) to start with
    - laws               -- the physics laws (default SimpleLaws(bondLength=100))
    - simCyclesPerRedraw -- physics steps per frame (default 1)
    - border             -- random positions keep this far from the edges (pixels)
    - extraDrawing       -- None, or something with render(surface) and setOffset()
      drawn with the particles (e.g. a logo)
    - showGrid           -- draw a grid (its cell is the laws' maxInteractRadius)
    - transparency       -- None, or an (r, g, b) colour to make see-through
    - position           -- None, or (x, y) of the surface in the window
    """

    Inboxes = {"inbox": "topology commands: lists such as ['ADD', 'NODE', id, name, pos, type]",
               "control": "shutdownMicroprocess to end (producerFinished is ignored)",
               "alphacontrol": "the surface's opacity, 0..255",
               "events": "events from the display (lists of pygame events)",
               "displaycontrol": "our surface, from the display"}
    Outboxes = {"signal": "the shutdownMicroprocess, passed on",
                "outbox": "SELECT, ERROR, TOPOLOGY and UPDATE_NAME messages",
                "displaysignal": "requests to the display service"}

    def __init__(self, screensize: Any = (800, 600), fullscreen: bool = False,
                 caption: str = "Topology Viewer", particleTypes: dict[str, Any] | None = None,
                 initialTopology: Any = None, laws: Any = None,
                 simCyclesPerRedraw: int | None = None, border: int = 100,
                 extraDrawing: Any = None, showGrid: bool = True, transparency: Any = None,
                 position: Any = None) -> None:
        super().__init__(screensize, caption, fullscreen, transparency=transparency,
                         position=position)
        self.border = border
        self.particleTypes = {"-": RenderingParticle} if particleTypes is None \
            else dict(particleTypes)
        nodes, bonds = ([], []) if initialTopology is None else initialTopology
        self.initialNodes = list(nodes)
        self.initialBonds = list(bonds)
        self.laws = SimpleLaws(bondLength=100) if laws is None else laws
        self.simCyclesPerRedraw = 1 if simCyclesPerRedraw is None else int(simCyclesPerRedraw)
        self.graphicalFurniture: list[Any] = []
        if showGrid:
            self.graphicalFurniture.append(GridRenderer(self.laws.maxInteractRadius,
                                                        GRID_COLOUR))
        if extraDrawing is not None:
            self.graphicalFurniture.append(extraDrawing)
        self.physics = ParticleSystem(self.laws, [], 0)
        self.biggestRadius = 0
        self.selected: Any = None
        self.left = self.top = 0
        self.dleft = self.dtop = 0
        self.changed = True
        self.moving = False
        self.nextFrame = 0.0

    # ------------------------------------------------------------ running
    def main(self) -> Iterator[int]:
        """Get a surface, then obey commands and draw until told to stop."""
        yield from self._askForSurface()
        self.initialiseComponent()
        ending: Any = None
        while not self.quitting:
            self._handleEvents()
            ending = self._shutdownRequest()
            if ending is not None or self.quitting:
                break
            self._obeyWaiting()
            self._drawIfDue()
            yield 1
        self.send(producerFinished(self, self.screen), "displaysignal")
        if ending is not None:
            self.send(ending, "signal")

    def _askForSurface(self) -> Iterator[int]:
        connect(self, "displaysignal")
        request = {"DISPLAYREQUEST": True, "events": (self, "events"),
                   "callback": (self, "displaycontrol"), "transparency": self.transparency,
                   "size": self.screensize, "fullscreen": self.fullscreen}
        if self.position is not None:
            request["position"] = self.position
        self.send(request, "displaysignal")
        yield from self.waitBox("displaycontrol")
        self.screen = self.recv("displaycontrol")
        self.send({"CAPTION": self.caption}, "displaysignal")
        self.screensize = self.screen.get_size()
        self.addHandler(pygame.QUIT, self.quit)

    def initialiseComponent(self) -> None:
        """Listen to the mouse and keys; add the initial topology."""
        # Hear motion and release from the start: a drag adds its handlers for
        # them only when the button goes down, and by the time the display
        # heard of that, the first movements would have gone unheard.
        for eventtype in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONUP):
            self.eventHandlers.setdefault(eventtype, [])
            self.send({"ADDLISTENEVENT": eventtype, "surface": self.screen}, "displaysignal")
        self.addHandler(pygame.MOUSEBUTTONDOWN, lambda event: ParticleDragger.handle(event, self))
        self.addHandler(pygame.KEYDOWN, self.keyDownHandler)
        self.addHandler(pygame.KEYUP, self.keyUpHandler)
        self.addParticle(*self.initialNodes)
        for source, dest in self.initialBonds:
            self.makeBond(source, dest)

    def _handleEvents(self) -> None:
        for event in self.events():
            handlers = list(self.eventHandlers.get(event.type, ()))
            if handlers:
                self.changed = True     # a press, a drag or a key: worth a frame
            for handler in handlers:
                if handler(event):
                    break

    def _shutdownRequest(self) -> Any:
        for message in self.Inbox("control"):
            if isinstance(message, shutdownMicroprocess):
                return message
            if not isinstance(message, producerFinished):
                log.warning("%s ignored an unexpected message on 'control': %r",
                            self.name, message)
        return None

    def _obeyWaiting(self) -> None:
        for command in self.Inbox("inbox"):
            self.doCommand(command)
        for alpha in self.Inbox("alphacontrol"):
            self.screen.set_alpha(alpha)
            self.changed = True

    def _drawIfDue(self) -> None:
        """Draw a frame if one is wanted and due; then sleep until the next one
        is due, or (nothing moving) until something arrives."""
        animating = self.moving or self.dleft or self.dtop
        if not (self.changed or animating):
            self.pause()
            return
        now = time.monotonic()
        if now < self.nextFrame:
            self.pause(self.nextFrame - now)
            return
        self.nextFrame = now + 1.0 / self.fps
        self.changed = False
        self.mainLoop()
        self.send({"REDRAW": True, "surface": self.screen}, "displaysignal")
        stillGoing = self.moving or self.dleft or self.dtop
        self.pause(1.0 / self.fps if stillGoing else None)

    def mainLoop(self) -> int:
        """One frame: step the physics, scroll, draw."""
        self.physics.run(self.simCyclesPerRedraw)
        self.moving = self._anythingMoving()
        self.screen.fill(BACKGROUND)
        if self.dleft or self.dtop:
            self.scroll((self.dleft, self.dtop))
            self.dleft += (self.dleft > 0) - (self.dleft < 0)   # scrolling speeds up
            self.dtop += (self.dtop > 0) - (self.dtop < 0)
        self.render()
        return 1

    def _anythingMoving(self) -> bool:
        return any(any(speed for speed in particle.velocity)
                   for particle in self.physics.particles)

    def render(self) -> None:
        """Draw everything on the surface, in ascending order of pass number."""
        passes: dict[int, list[Iterator[int]]] = {}

        def resume(drawing: Iterator[int]) -> None:
            try:
                passes.setdefault(next(drawing), []).append(drawing)
            except StopIteration:
                pass

        for thing in self.graphicalFurniture + self.physics.particles:
            drawing = thing.render(self.screen)
            if drawing is not None:
                resume(drawing)
        while passes:
            for drawing in passes.pop(min(passes)):
                resume(drawing)

    # ------------------------------------------------------------ commands
    def doCommand(self, msg: Any) -> None:
        """Carry out one command; if it cannot be, send an ERROR message."""
        try:
            self._obey(msg)
        except Exception as error:      # a bad command must not end the viewer
            reason = error if isinstance(error, CommandError) else \
                f"{type(error).__name__}: {error}"
            self.send(("ERROR", f"Error processing message : {msg!r} reason: {reason}"),
                      "outbox")

    def _obey(self, msg: Any) -> None:
        if not isinstance(msg, (list, tuple)) or len(msg) < 2:
            raise CommandError("a command is a list of at least two words")
        verb, noun = str(msg[0]).upper(), str(msg[1]).upper()
        if (verb, noun) not in _COMMANDS:
            raise CommandError(f"there is no command {verb} {noun}")
        words, method = _COMMANDS[verb, noun]
        if len(msg) != words:
            raise CommandError(f"{verb} {noun} takes {words - 2} arguments, "
                               f"not {len(msg) - 2}")
        getattr(self, method)(*msg[2:])
        self.changed = True

    def _particle(self, nodeId: Any) -> Any:
        try:
            return self.physics.particleDict[nodeId]
        except KeyError:
            raise CommandError(f"there is no node {nodeId!r}") from None
        except TypeError:               # an id that cannot be a dictionary key
            raise CommandError(f"{nodeId!r} cannot be a node's id") from None

    def _addNode(self, nodeId: Any, name: Any, posSpec: Any, particleType: Any) -> None:
        if particleType not in self.particleTypes:
            raise CommandError(f"there is no particle type {particleType!r} "
                               f"(there are {sorted(self.particleTypes)})")
        if nodeId in self.physics.particleDict:
            raise CommandError(f"there is already a node {nodeId!r}")
        particle: Any = self.particleTypes[particleType](position=self._generateXY(posSpec),
                                                    ID=nodeId, name=name)
        particle.originaltype = particleType
        self.addParticle(particle)

    def _removeAll(self) -> None:
        self.removeParticle(*self.physics.particleDict.keys())

    def _sendTopology(self) -> None:
        self.send(("TOPOLOGY", [("DEL", "ALL"), *self.getTopology()]), "outbox")

    def _sendName(self, nodeId: Any) -> None:
        self.send(("UPDATE_NAME", "NODE", nodeId, self.getParticleLabel(nodeId)), "outbox")

    def _generateXY(self, posSpec: Any) -> tuple[int, int]:
        """(x, y) for a position word: random (``randompos``, ``auto``,
        ``random``) or ``x,y``; CommandError for anything else."""
        spec = str(posSpec).lower()
        if spec in _RANDOM_POSITIONS:
            return (self.left + self._randomWithin(self.screensize[0]),
                    self.top + self._randomWithin(self.screensize[1]))
        if spec.startswith("(") and spec.endswith(")"):
            spec = spec[1:-1]
        match = _POSITION.fullmatch(spec)
        if match is None:
            raise CommandError(f"{posSpec!r} is not a position (randompos, auto or x,y)")
        return int(match.group(1)), int(match.group(2))

    def _randomWithin(self, extent: int) -> int:
        """A random coordinate ``border`` from both ends of ``extent`` (the
        middle, if it is too small for that)."""
        if extent - self.border <= self.border:
            return extent // 2
        return random.randrange(self.border, extent - self.border)

    def addParticle(self, *particles: Any) -> None:
        """Add particles to the graph."""
        for particle in particles:
            self.biggestRadius = max(self.biggestRadius, particle.radius)
            particle.setOffset((self.left, self.top))
        self.physics.add(*particles)
        self.changed = True

    def removeParticle(self, *ids: Any) -> None:
        """Remove the particles with these ids, and their links."""
        particles = [self._particle(nodeId) for nodeId in ids]
        for particle in particles:
            particle.breakAllBonds()
            if particle is self.selected:
                self.selectParticle(None)
        self.physics.remove(*particles)
        self.changed = True

    def makeBond(self, source: Any, dest: Any) -> None:
        """Link the particle with id ``source`` to the one with id ``dest``."""
        self._particle(dest)
        self._particle(source).makeBond(self.physics.particleDict, dest)
        self.changed = True

    def breakBond(self, source: Any, dest: Any) -> None:
        """Remove the link from ``source`` to ``dest`` (ids)."""
        if self._particle(dest) not in self._particle(source).bondedTo:
            raise CommandError(f"there is no link from {source!r} to {dest!r}")
        self._particle(source).breakBond(self.physics.particleDict, dest)
        self.changed = True

    def getTopology(self) -> list[tuple[Any, ...]]:
        """The commands that would build the graph as it is (nodes, then links)."""
        particles: list[Any] = self.physics.particles      # ours have names
        nodes = [("ADD", "NODE", p.ID, p.name, f"{round(p.pos[0])},{round(p.pos[1])}",
                  self._typeOf(p)) for p in particles]
        links = [("ADD", "LINK", p.ID, other.ID)
                 for p in self.physics.particles for other in p.bondedTo]
        return nodes + links

    def _typeOf(self, particle: Any) -> Any:
        """The particle type name a particle was made as (for initial ones: by class)."""
        if hasattr(particle, "originaltype"):
            return particle.originaltype
        for name, cls in self.particleTypes.items():
            if type(particle) is cls:
                return name
        return "-"

    def updateParticleLabel(self, node_id: Any, new_name: Any) -> None:
        """Rename a node (nothing happens if there is no such node)."""
        particle: Any = self.physics.particleDict.get(node_id)
        if particle is not None:
            particle.set_label(new_name)
            self.changed = True

    def getParticleLabel(self, node_id: Any) -> Any:
        """A node's name, or None if there is no such node."""
        particle: Any = self.physics.particleDict.get(node_id)
        return None if particle is None else particle.name

    def freezeAll(self) -> None:
        """Stop the physics moving any node."""
        for particle in self.physics.particles:
            particle.freeze()

    def unFreezeAll(self) -> None:
        """Let the physics move every node again."""
        for particle in self.physics.particles:
            particle.unFreeze()
        self.moving = True              # they may have forces to catch up on

    # ------------------------------------------------------- mouse and keys
    def selectParticle(self, particle: Any) -> None:
        """Select ``particle`` (None: nothing); say so on "outbox" if that is a change."""
        if particle is self.selected:
            return
        if self.selected is not None:
            self.selected.deselect()
        self.selected = particle
        if particle is not None:
            particle.select()
        self.send(("SELECT", "NODE", None if particle is None else particle.ID), "outbox")
        self.changed = True

    def keyDownHandler(self, event: Any) -> None:
        """Escape or q quits, f toggles full screen, the arrows scroll."""
        if event.key in (pygame.K_ESCAPE, pygame.K_q):
            self.quit()
        elif event.key == pygame.K_f:
            self.send({"FULLSCREEN": "TOGGLE"}, "displaysignal")
        elif event.key in _SCROLL_KEYS:
            speed, sign = _SCROLL_KEYS[event.key]
            setattr(self, speed, sign * _SCROLL_START)

    def keyUpHandler(self, event: Any) -> None:
        """Letting go of an arrow key stops the scrolling it started."""
        if event.key in _SCROLL_KEYS:
            setattr(self, _SCROLL_KEYS[event.key][0], 0)

    def scroll(self, delta: Sequence[int]) -> None:
        """Move the view by (dx, dy): what was at (x, y) is drawn at (x - dx, y - dy)."""
        self.left += delta[0]
        self.top += delta[1]
        for thing in self.graphicalFurniture + self.physics.particles:
            thing.setOffset((self.left, self.top))
        self.changed = True

    def quit(self, event: Any = None) -> bool:
        """End the program (the window was closed, or Escape or q pressed): as in
        1.14 this stops the scheduler, and with it the whole system."""
        super().quit(event)
        self.scheduler.stop()
        return True


__kamaelia_components__ = (TopologyViewer,)
