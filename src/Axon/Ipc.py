"""Control messages passed between components (and between microprocesses and the scheduler).

Example Usage
-------------

Finishing a component the conventional way: :func:`shutdownRequest` takes
what waits on ``"control"`` and returns the ``producerFinished`` or
``shutdownMicroprocess`` found there (or ``None``), which the component passes
on out of ``"signal"`` before it ends::

    from typing import Iterator

    from Axon.Component import component
    from Axon.Ipc import shutdownRequest

    class Doubler(component):
        '''Doubles what arrives on "inbox"; passes shutdown on.'''

        def main(self) -> Iterator[int]:
            while True:
                for item in self.Inbox("inbox"):
                    self.send(item * 2, "outbox")
                request = shutdownRequest(self)
                if request is not None:
                    self.send(request, "signal")    # pass it on, then end
                    return
                if not self.anyReady():
                    self.pause()
                yield 1

1.14's way, testing what ``recv("control")`` returns with ``isinstance``
against ``producerFinished`` and ``shutdownMicroprocess``, works the same.

Starting more components from inside ``main``::

    yield newComponent(helper1, helper2)     # the scheduler activates both

Running a sub-generator to completion before carrying on (``yield from`` does the
same in new code)::

    yield WaitComplete(self.handshake())

How does it work?
-----------------

An Ipc message is just an object: it goes into boxes like any other data. Its
*class* says what it means, so receivers test it with ``isinstance``.

Shutdown conventions
~~~~~~~~~~~~~~~~~~~~

Components are chained ``"outbox" -> "inbox"`` for data and ``"signal" ->
"control"`` for shutdown:

- A component that has finished producing (a file reader at end of file, a
  socket that closed) sends ``producerFinished(self)`` out of its ``"signal"``
  outbox. Its successor receives it on ``"control"``, finishes what it was
  doing with the data already received, then sends its own ``producerFinished``
  (or passes the one it received) on ``"signal"`` and ends. So the whole chain
  drains and closes in order.
- ``shutdownMicroprocess`` means "stop now": the receiver should end promptly
  (dropping pending work if need be) and pass the message on out of
  ``"signal"`` so everything downstream stops too.
- When a microprocess ends, the scheduler may also be handed a
  ``shutdownMicroprocess(mp, ...)`` naming microprocesses to stop as a knock-on
  effect.

Each component documents in its docstring exactly what it does on each of
these and what it sends when it ends.

``shutdownRequest(component, boxname="control")`` is that convention's
receiving half: it drains ``boxname`` and returns the first
``producerFinished`` or ``shutdownMicroprocess`` (messages after it stay
waiting), or ``None`` if there is none. Anything else found before it is
logged as a warning (logger ``Axon.Ipc``, naming the component) and dropped,
so a stray message cannot block a shutdown.

Message classes
~~~~~~~~~~~~~~~

==============================================================  ==========================================
constructor                                                     attributes / methods
==============================================================  ==========================================
``newComponent(*components)``                                   ``.comps``, ``.components()``
``shutdownMicroprocess(*microprocesses)``                       ``.mps``, ``.microprocesses()``
``shutdown()``                                                  (none)
``notify(caller, payload)``                                     ``.caller``, ``.object``
``status(status)``                                              ``.statusMessage``, ``.status()``
``wouldblock(caller)``                                          ``.caller``
``producerFinished(caller=None, message=None)``                 ``.caller``, ``.message``
``errorInformation(caller, exception=None, message=None)``      ``.caller``, ``.exception``, ``.message``
``reactivate(component)``                                       ``.component``
``WaitComplete(*args, **argd)``                                 ``.args``, ``.argd``
==============================================================  ==========================================

``ipc`` itself keeps an instance ``__dict__`` (applications subclass it freely
and set whatever attributes they like); the subclasses above declare
``__slots__`` for their own fields, which makes those attributes a little
faster to reach but still leaves a ``__dict__`` for user subclasses.

Messages compare by identity (as in Kamaelia 1.14). ``repr()`` shows the class
name and the fields, e.g. ``producerFinished(caller=None, message='eof')``.
"""

from __future__ import annotations

import logging
import reprlib
from typing import Any, Protocol, Union

__all__ = [
    "ipc",
    "newComponent",
    "shutdownMicroprocess",
    "shutdown",
    "notify",
    "status",
    "wouldblock",
    "producerFinished",
    "errorInformation",
    "reactivate",
    "WaitComplete",
    "shutdownRequest",
]

_log = logging.getLogger("Axon.Ipc")


class ipc:
    """ipc() -> base class of every Axon control message.

    Subclass it for your own control messages; it needs no ``__init__`` call.
    """

    def _fields(self) -> list[tuple[str, Any]]:
        """(name, value) pairs for the declared slots (base classes first), then ``__dict__``."""
        fields: list[tuple[str, Any]] = []
        seen: set[str] = set()
        for cls in reversed(type(self).__mro__):
            slots = cls.__dict__.get("__slots__", ())
            if isinstance(slots, str):
                slots = (slots,)
            for name in slots:
                if name in seen or name.startswith("__"):
                    continue
                seen.add(name)
                try:
                    fields.append((name, getattr(self, name)))
                except AttributeError:
                    pass  # slot never assigned (e.g. subclass skipped __init__)
        for name, value in getattr(self, "__dict__", {}).items():
            if name not in seen:
                fields.append((name, value))
        return fields

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in self._fields())
        return f"{type(self).__name__}({inner})"


class newComponent(ipc):
    """newComponent(*components) -> ask the scheduler to activate these components.

    Yield it from ``main``.
    """

    __slots__ = ("comps",)

    def __init__(self, *components: Any) -> None:
        self.comps = components

    def components(self) -> tuple[Any, ...]:
        """The components to activate."""
        return self.comps


class shutdownMicroprocess(ipc):
    """shutdownMicroprocess(*microprocesses) -> "stop now" request.

    Sent into a component's ``"control"`` inbox it asks it to end promptly
    (and pass the message on out of ``"signal"``). Returned to the scheduler
    when a microprocess ends, it names microprocesses to stop as well.
    """

    __slots__ = ("mps",)

    def __init__(self, *microprocesses: Any) -> None:
        self.mps = microprocesses

    def microprocesses(self) -> tuple[Any, ...]:
        """The microprocesses to shut down."""
        return self.mps


class shutdown(ipc):
    """shutdown() -> a general "please shut down" message with no fields."""

    __slots__ = ()


class notify(ipc):
    """notify(caller, payload) -> a message carrying ``payload`` from ``caller``.

    Attributes ``.caller`` and ``.object`` (the payload).
    """

    __slots__ = ("caller", "object")

    def __init__(self, caller: Any, payload: Any) -> None:
        self.caller = caller
        self.object = payload


class status(ipc):
    """status(status) -> a status report; read it with ``.status()`` or ``.statusMessage``."""

    __slots__ = ("statusMessage",)

    def __init__(self, status: Any) -> None:
        self.statusMessage = status

    def status(self) -> Any:
        """The status being reported."""
        return self.statusMessage


class wouldblock(ipc):
    """wouldblock(caller) -> ``caller`` would have had to block."""

    __slots__ = ("caller",)

    def __init__(self, caller: Any) -> None:
        self.caller = caller


class producerFinished(ipc):
    """producerFinished(caller=None, message=None) -> "I have no more data".

    Sent out of a component's ``"signal"`` outbox when it has finished
    producing; the receiver finishes its work and passes the news on.
    """

    __slots__ = ("caller", "message")

    def __init__(self, caller: Any = None, message: Any = None) -> None:
        self.caller = caller
        self.message = message


class errorInformation(ipc):
    """errorInformation(caller, exception=None, message=None) -> report of an error in ``caller``."""

    __slots__ = ("caller", "exception", "message")

    def __init__(self, caller: Any, exception: Any = None, message: Any = None) -> None:
        self.caller = caller
        self.exception = exception
        self.message = message


class reactivate(ipc):
    """reactivate(original) -> ask the scheduler to run ``original`` again.

    A microprocess's ``_closeDownMicroprocess()`` may return one: the
    scheduler then re-adds ``original`` (see
    :meth:`Axon.Scheduler.scheduler.handleMicroprocessShutdownKnockon`).
    The microprocess is ``.original`` (1.14's name), also readable as
    ``.component``.
    """

    __slots__ = ("original",)

    def __init__(self, original: Any) -> None:
        self.original = original

    @property
    def component(self) -> Any:
        """The microprocess to reactivate (same as ``.original``)."""
        return self.original


class WaitComplete(ipc):
    """WaitComplete(*args, **argd) -> run a generator to its end before resuming.

    ``yield WaitComplete(gen)`` from ``main``: the microprocess runs ``gen``
    (``args[0]``) until it finishes, then carries on after the ``yield``.
    ``yield from gen`` does the same in new code.
    """

    __slots__ = ("args", "argd")

    def __init__(self, *args: Any, **argd: Any) -> None:
        self.args = args
        self.argd = argd


class _HasControl(Protocol):
    """What :func:`shutdownRequest` needs of a component."""

    name: str

    def dataReady(self, boxname: str = ...) -> int: ...

    def recv(self, boxname: str = ...) -> Any: ...


def shutdownRequest(component: _HasControl, boxname: str = "control"
                    ) -> Union[producerFinished, shutdownMicroprocess, None]:
    """shutdownRequest(component, boxname="control") -> the shutdown message, or None

    Takes the messages waiting on ``component``'s inbox ``boxname`` up to and
    including the first ``producerFinished`` or ``shutdownMicroprocess``, and
    returns that message; returns ``None`` when none is waiting. Messages
    after it stay waiting. Other messages before it are logged (with the
    component's name) and dropped. Use it in ``main``::

        request = shutdownRequest(self)
        if request is not None:
            self.send(request, "signal")    # pass it on, then end
            return
    """
    while component.dataReady(boxname):
        message = component.recv(boxname)
        if isinstance(message, (producerFinished, shutdownMicroprocess)):
            return message
        _log.warning("%s ignored an unexpected message on %r: %s",
                     component.name, boxname, reprlib.repr(message))
    return None
