"""Kamaelia._logthrottle: log a repeated error once, then a count of its repeats.

Example Usage
-------------
A component that logs a failure per event (a refused connection, a reset,
a failed handshake) logs through a :class:`RepeatLimiter` instead of its
logger, so that a storm of identical failures costs a line every few
seconds rather than one per event::

    import logging
    from Kamaelia._logthrottle import RepeatLimiter

    log = logging.getLogger("Kamaelia.Internet.TCPServer")
    repeats = RepeatLimiter(log, interval=10.0)

    for attempt in range(1000):
        repeats.error("%s: cannot accept on %s: %s", "server_1", "127.0.0.1:80",
                      "Too many open files")
    # logged: the first line at once; the other 999 are counted, and the
    # count is logged with the next such error 10 s later (or by flush()).
    repeats.flush()

How does it work?
-----------------
Messages are grouped by their *template*: the logger's level and the format
string, before the ``%`` arguments are filled in, so "connection with
10.0.0.1 reset" and "connection with 10.0.0.2 reset" are the same kind of
event. For each template:

* the first occurrence is logged at once, as :meth:`logging.Logger.log`
  would, and opens a window of ``interval`` seconds;
* further occurrences inside the window are not logged, only counted;
* the first occurrence after the window has closed is logged, followed by
  ``(and N more like it in the last S s)`` when some were suppressed, and
  opens the next window. So while a failure goes on, it costs one line per
  ``interval``; once it stops, the next occurrence is logged at once again.
* :meth:`flush` logs the count still pending for each template (with the
  text of the last occurrence suppressed) and forgets them: call it when
  the condition is known to be over (e.g. a server that could accept again,
  or one shutting down) so the last count is not lost.

What it keeps: per template, two numbers and the arguments of the last
occurrence suppressed, turned into plain strings when not ``str``/``int``/
``float``/``None`` (an exception argument would otherwise keep its
traceback, and through it every frame's locals, alive). At most
``maxTemplates`` templates are tracked (a caller that formats its text
before logging makes one template per message); past that the oldest is
flushed and dropped. Nothing is held by a module that only imports this.

The clock is ``time.monotonic`` unless ``clock=`` says otherwise (tests pass
a fake one). :func:`forgetAll` flushes every limiter alive and forgets what
they counted (``forgetAll(report=False)``: without logging it), so that a test checking the log of one system is not
affected by what an earlier test logged through the same module-level
limiter. It is safe to call from any thread. Whether a record is
actually written is still up to the logger (``isEnabledFor``): a suppressed
message is counted only if the logger would have written it.

This module uses the standard library only and knows nothing about
components: any module (Axon excepted, which never imports Kamaelia) may
use it.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any, Callable

__all__ = ["RepeatLimiter", "DEFAULT_INTERVAL", "forgetAll"]

#: Seconds between two lines for the same repeated message.
DEFAULT_INTERVAL = 10.0

_PLAIN = (str, int, float, type(None))


class _Window:
    __slots__ = ("opened", "suppressed", "lastArgs")

    def __init__(self, opened: float) -> None:
        self.opened = opened
        self.suppressed = 0
        self.lastArgs: tuple[Any, ...] = ()


class RepeatLimiter:
    """RepeatLimiter(logger, interval=10.0, clock=time.monotonic, maxTemplates=256)

    Logs through ``logger``, each message template at most once per
    ``interval`` seconds, with a count of the repeats it did not log (see
    the module docstring).

    - logger       -- the ``logging.Logger`` to write to
    - interval     -- seconds a template stays quiet after it was logged (> 0)
    - clock        -- a function returning seconds, for tests (default ``time.monotonic``)
    - maxTemplates -- templates tracked at once (>= 1); the oldest is flushed past it
    """

    def __init__(self, logger: logging.Logger, interval: float = DEFAULT_INTERVAL,
                 clock: Callable[[], float] = time.monotonic, maxTemplates: int = 256) -> None:
        if not isinstance(logger, logging.Logger):
            raise TypeError(f"RepeatLimiter needs a logging.Logger, not {logger!r}")
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) \
                or not interval > 0:
            raise ValueError(f"interval must be a number of seconds > 0, not {interval!r}")
        if isinstance(maxTemplates, bool) or not isinstance(maxTemplates, int) \
                or maxTemplates < 1:
            raise ValueError(f"maxTemplates must be an int >= 1, not {maxTemplates!r}")
        self.logger = logger
        self.interval = float(interval)
        self.clock = clock
        self.maxTemplates = maxTemplates
        self._windows: dict[tuple[int, str], _Window] = {}
        self._lock = threading.Lock()
        _alive.add(self)

    # ------------------------------------------------------------- logging
    def log(self, level: int, msg: str, *args: Any, exc_info: Any = None) -> bool:
        """Log ``msg % args`` at ``level`` unless the same template was logged
        less than ``interval`` seconds ago; True if it was logged."""
        logger = self.logger
        if not logger.isEnabledFor(level):
            return False
        key = (level, msg)
        now = self.clock()
        with self._lock:
            window = self._windows.get(key)
            if window is not None and now - window.opened < self.interval:
                window.suppressed += 1
                window.lastArgs = _detached(args)
                return False
            suppressed = window.suppressed if window is not None else 0
            span = now - window.opened if window is not None else 0.0
            if window is None:
                if len(self._windows) >= self.maxTemplates:
                    self._evictOldest()
                self._windows[key] = _Window(now)
            else:
                del self._windows[key]            # (re-inserted: the dict stays in age order)
                self._windows[key] = _Window(now)
        if suppressed:
            logger.log(level, msg + " (and %d more like it in the last %.3g s)",
                       *args, suppressed, span, exc_info=exc_info)
        else:
            logger.log(level, msg, *args, exc_info=exc_info)
        return True

    def debug(self, msg: str, *args: Any) -> bool:
        return self.log(logging.DEBUG, msg, *args)

    def info(self, msg: str, *args: Any) -> bool:
        return self.log(logging.INFO, msg, *args)

    def warning(self, msg: str, *args: Any) -> bool:
        return self.log(logging.WARNING, msg, *args)

    def error(self, msg: str, *args: Any) -> bool:
        return self.log(logging.ERROR, msg, *args)

    def suppressed(self) -> int:
        """How many messages are counted and not yet reported, over all templates."""
        with self._lock:
            return sum(window.suppressed for window in self._windows.values())

    def flush(self, report: bool = True) -> int:
        """Log the pending count of every template that has one (unless
        ``report`` is false), and forget every template (the next occurrence
        of each is logged at once). Returns how many lines it logged."""
        with self._lock:
            windows, self._windows = self._windows, {}
        if not report:
            return 0
        now = self.clock()
        lines = 0
        for (level, msg), window in windows.items():
            lines += self._report(level, msg, window, now)
        return lines

    # ------------------------------------------------------------- inside
    def _evictOldest(self) -> None:
        # (called with the lock held; logging under it is safe: the logger
        # does not call back into this object)
        key = next(iter(self._windows))
        window = self._windows.pop(key)
        self._report(key[0], key[1], window, self.clock())

    def _report(self, level: int, msg: str, window: _Window, now: float) -> int:
        if not window.suppressed:
            return 0
        if window.suppressed == 1:
            self.logger.log(level, msg + " (once more in the last %.3g s)",
                            *window.lastArgs, now - window.opened)
        else:
            self.logger.log(level, msg + " (%d times more in the last %.3g s)",
                            *window.lastArgs, window.suppressed, now - window.opened)
        return 1


#: Every limiter alive (for forgetAll).
_alive: "weakref.WeakSet[RepeatLimiter]" = weakref.WeakSet()


def forgetAll(report: bool = True) -> int:
    """Flush every RepeatLimiter alive (see :meth:`RepeatLimiter.flush`), so
    that the next occurrence of every message is logged at once; returns how
    many lines that logged. ``report=False`` drops the pending counts
    without logging them (what a test starting afresh wants)."""
    return sum(limiter.flush(report) for limiter in list(_alive))


def _detached(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """``args`` with anything but plain values replaced by its ``str``, so
    that a suppressed message keeps no object (or traceback) alive."""
    for arg in args:
        if arg.__class__ not in _PLAIN:
            return tuple(a if a.__class__ in _PLAIN else str(a) for a in args)
    return args
