"""Kamaelia.SampleTemplateComponent: the two shapes a component can take, as templates.

Example Usage
-------------
::

    from Kamaelia.SampleTemplateComponent import StandardStyleComponent

    StandardStyleComponent("A", 2).run()

prints::

    DEBUG: A initialiseComponent
    DEBUG: A Now in the main loop
    DEBUG: A Now in the main loop
    DEBUG: A closeDownComponent

Copy one of these classes to start a component of your own.

* ``StandardStyleComponent(label, looptimes)`` is the usual shape: a ``main``
  generator that sets up, loops (yielding to the scheduler each time round)
  and tidies up when the loop ends.
* ``CallbackStyleComponent(label, looptimes, selfstart=0)`` is Kamaelia's
  oldest shape: the scheduler calls ``initialiseComponent()`` once, then
  ``mainBody()`` until it returns a false value, then
  ``closeDownComponent()``. With ``selfstart`` true it activates itself.

Both print a line at each stage and end after ``looptimes`` turns of their
loop. Neither uses its boxes, so neither sends anything on ``"signal"``.
(1.14's ``StandardStyleComponent`` could not be made: its ``__init__`` named
the other class in ``super()``; and its loop never ended.)
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component

__all__ = ["CallbackStyleComponent", "StandardStyleComponent"]


class CallbackStyleComponent(component):
    """CallbackStyleComponent(label, looptimes, selfstart=0) -> new component.

    A template in the callback style: ``initialiseComponent``, then
    ``mainBody`` ``looptimes`` times, then ``closeDownComponent``, each
    printing ``DEBUG: <label> ...``. With ``selfstart`` true it activates
    itself as it is made.
    """

    def __init__(self, label: str, looptimes: int, selfstart: Any = 0) -> None:
        super().__init__()   # every component's __init__ must call this
        self.label = label
        self.looptimes = looptimes
        if selfstart:
            self.activate()

    def initialiseComponent(self) -> int:
        print("DEBUG:", self.label, "initialiseComponent")
        return 1

    def mainBody(self) -> int:
        print("DEBUG:", self.label, "Now in the main loop")
        self.looptimes -= 1
        return self.looptimes   # 0 ends the component

    def closeDownComponent(self) -> None:
        print("DEBUG:", self.label, "closeDownComponent")


class StandardStyleComponent(component):
    """StandardStyleComponent(label, looptimes) -> new component.

    A template in the usual style: ``main`` prints ``DEBUG: <label>
    initialiseComponent``, then ``... Now in the main loop`` ``looptimes``
    times (yielding after each), then ``... closeDownComponent``.
    """

    def __init__(self, label: str, looptimes: int) -> None:
        super().__init__()   # every component's __init__ must call this
        self.label = label
        self.looptimes = looptimes

    def main(self) -> Iterator[int]:
        print("DEBUG:", self.label, "initialiseComponent")
        yield 1
        while self.looptimes > 0:
            print("DEBUG:", self.label, "Now in the main loop")
            self.looptimes -= 1
            yield 1
        print("DEBUG:", self.label, "closeDownComponent")


__kamaelia_components__ = (CallbackStyleComponent, StandardStyleComponent)
