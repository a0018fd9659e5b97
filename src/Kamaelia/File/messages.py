"""Messages that ``Kamaelia.File`` components send out of ``"signal"`` when they end.

Example Usage
-------------
Find out why a pipeline ended: the message a component ends with is passed on
by every component after it, so it comes out of the Pipeline's ``"signal"``::

    from Axon.Component import component
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
    from Kamaelia.File.messages import fileError
    from Kamaelia.Util.Console import ConsoleEchoer

    class Outcome(component):
        def main(self):
            while not self.dataReady("control"):
                self.pause()
                yield 1
            message = self.recv("control")
            if isinstance(message, fileError):
                print("failed:", message.reason)     # failed: No such file or directory
            else:
                print("done")

    reading = Pipeline(MaxSpeedFileReader("/no/such/file"), ConsoleEchoer())
    outcome = Outcome()
    reading.link((reading, "signal"), (outcome, "control"))
    outcome.activate()
    reading.run()

How does it work?
-----------------
Each class here is a subclass of one of the two shutdown messages of
``Axon.Ipc``, so components that know nothing of them still treat them the
usual way (finish, pass the message on, end), while code that cares can
``isinstance``-check for the details:

* :class:`fileError` (a ``shutdownMicroprocess``: "stop now") -- a file
  could not be opened, read or written, or a program could not be started.
  It names the component, the path and the reason. Being a "stop now"
  message, it makes the components after it end without treating the
  output as finished (an atomic file writer discards its temporary file).
* :class:`processExited` (a ``producerFinished``) -- a program run by
  ``UnixProcess`` ended by itself; it carries the exit status.
* :class:`processStopped` (a ``shutdownMicroprocess``) -- a program was
  stopped because its ``UnixProcess`` was told to stop; it carries the exit
  status and the request that stopped it.

:class:`NameRefused` is not a message but the exception a ``fileError``
carries when a component given ``root=`` refused a name from a message.

Names follow ``Axon.Ipc`` (``producerFinished``, ``errorInformation``):
message classes are lowerCamelCase there, and these sit beside them.
"""

from __future__ import annotations

import signal
from typing import Any

from Axon.Ipc import producerFinished, shutdownMicroprocess

__all__ = ["fileError", "processExited", "processStopped", "describeExit", "NameRefused"]


def _nameOf(caller: Any) -> str:
    return getattr(caller, "name", None) or repr(caller)


class fileError(shutdownMicroprocess):
    """fileError(caller, path, reason, exception=None, action="use") -> "could not use this file"

    - caller    -- the component that failed
    - path      -- the file, folder or program concerned
    - reason    -- why, in words (e.g. ``"No such file or directory"``)
    - exception -- the exception that was raised, if any
    - action    -- what was being done: ``"read"``, ``"write"``, ``"run"``...

    ``message`` (also ``str()``) is the whole sentence, e.g.
    ``"Kamaelia.File.Reading.SimpleReader_5 cannot read '/tmp/x': No such file
    or directory"``.
    """

    __slots__ = ("caller", "path", "reason", "exception", "action", "message")

    def __init__(self, caller: Any, path: Any, reason: str, exception: BaseException | None = None,
                 action: str = "use") -> None:
        super().__init__()
        self.caller = caller
        self.path = path
        self.reason = reason
        self.exception = exception
        self.action = action
        self.message = f"{_nameOf(caller)} cannot {action} {str(path)!r}: {reason}"

    def __str__(self) -> str:
        return self.message


class NameRefused(ValueError):
    """NameRefused(name, root, reason) -> a file name from a message was not used

    Raised (and carried as the ``exception`` of a :class:`fileError`) by the
    components given a ``root=`` folder, for a name that leads outside it
    (``..``, an absolute path elsewhere, a symbolic link out), names the
    folder itself, holds a NUL byte or is not a name at all. ``name`` is the
    name as received, ``root`` the folder, ``reason`` why, in words.
    """

    def __init__(self, name: Any, root: str, reason: str) -> None:
        super().__init__(f"{name!r} refused: {reason} (root {root!r})")
        self.name = name
        self.root = root
        self.reason = reason


def describeExit(command: str, returncode: int) -> str:
    """``"'grep x' exited with status 1"`` or ``"'cat' was killed by SIGTERM"``."""
    if returncode < 0:
        try:
            how = f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"was killed by signal {-returncode}"
    else:
        how = f"exited with status {returncode}"
    return f"{command!r} {how}"


class processExited(producerFinished):
    """processExited(caller, command, returncode) -> the program ended by itself

    ``returncode`` is the exit status (negative: killed by that signal),
    ``command`` the command line, ``message`` a sentence describing both.
    """

    __slots__ = ("command", "returncode")

    def __init__(self, caller: Any, command: str, returncode: int) -> None:
        super().__init__(caller, describeExit(command, returncode))
        self.command = command
        self.returncode = returncode

    def __str__(self) -> str:
        return str(self.message)


class processStopped(shutdownMicroprocess):
    """processStopped(caller, command, returncode, request) -> the program was stopped

    Sent instead of passing ``request`` (the ``shutdownMicroprocess`` that
    stopped the component) on as it is, so that the exit status is not lost;
    ``microprocesses()`` is that of ``request``.
    """

    __slots__ = ("caller", "command", "returncode", "request", "message")

    def __init__(self, caller: Any, command: str, returncode: int,
                 request: shutdownMicroprocess | None = None) -> None:
        super().__init__(*(request.microprocesses() if request is not None else ()))
        self.caller = caller
        self.command = command
        self.returncode = returncode
        self.request = request
        self.message = describeExit(command, returncode)

    def __str__(self) -> str:
        return self.message
