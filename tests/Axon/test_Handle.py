"""Tests for Axon.Handle: plain code talking to a component run by background()."""

from __future__ import annotations

import gc
import queue
import re
import weakref
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.background import background
from Axon.Handle import Handle
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.PureTransformer import PureTransformer

#: Upper bound for any wait; reaching it means the behaviour under test is broken.
PATIENCE = 5.0


@pytest.fixture
def bg() -> Iterator[background]:
    """A running background scheduler.

    Each test ends its wrapped system itself and checks the thread ended; if
    a test failed before that, the scheduler is stopped here and the thread
    joined.
    """
    thread = background()
    thread.start()
    yield thread
    if thread.is_alive():
        scheduler.run.stop()
        thread.join(PATIENCE)
    assert not thread.is_alive()


def finish(handle: Handle, thread: background) -> None:
    """End the wrapped system with producerFinished; check the scheduler thread ends."""
    message = producerFinished()
    handle.put(message, "control")
    assert handle.get("signal", block=True, timeout=PATIENCE) is message
    thread.join(PATIENCE)
    assert not thread.is_alive()


def test_put_and_get_round_trip(bg: background) -> None:
    upper = Handle(PureTransformer(str.upper)).activate()
    upper.put("hello", "inbox")
    assert upper.get("outbox", block=True, timeout=PATIENCE) == "HELLO"
    finish(upper, bg)


def test_messages_come_back_in_order(bg: background) -> None:
    double = Handle(PureTransformer(lambda n: n * 2)).activate()
    for n in range(100):
        double.put(n, "inbox")
    got = [double.get("outbox", block=True, timeout=PATIENCE) for _ in range(100)]
    assert got == [n * 2 for n in range(100)]
    finish(double, bg)


def test_get_raises_queue_Empty_when_nothing_is_there(bg: background) -> None:
    echo = Handle(PureTransformer()).activate()
    with pytest.raises(queue.Empty):
        echo.get("outbox")
    echo.put("once", "inbox")
    assert echo.get("outbox", block=True, timeout=PATIENCE) == "once"
    with pytest.raises(queue.Empty):
        echo.get("outbox")
    finish(echo, bg)


def test_blocking_get_with_a_timeout_raises_queue_Empty(bg: background) -> None:
    echo = Handle(PureTransformer()).activate()
    with pytest.raises(queue.Empty):
        echo.get("outbox", block=True, timeout=0.01)
    finish(echo, bg)


def test_put_to_an_unknown_box_names_it(bg: background) -> None:
    wrapped = PureTransformer()
    echo = Handle(wrapped).activate()
    with pytest.raises(KeyError, match=re.escape(f"{wrapped.name} has no inbox 'nosuch'")):
        echo.put("lost", "nosuch")
    finish(echo, bg)


def test_get_from_an_unknown_box_names_it(bg: background) -> None:
    wrapped = PureTransformer()
    echo = Handle(wrapped).activate()
    with pytest.raises(KeyError, match=re.escape(f"{wrapped.name} has no outbox 'nosuch'")):
        echo.get("nosuch")
    finish(echo, bg)


def test_handle_around_a_pipeline(bg: background) -> None:
    shout = Handle(Pipeline(PureTransformer(str.upper),
                            PureTransformer(lambda s: s + "!"))).activate()
    shout.put("hello", "inbox")
    assert shout.get("outbox", block=True, timeout=PATIENCE) == "HELLO!"
    finish(shout, bg)


def test_handle_ends_when_the_wrapped_component_ends_and_keeps_what_it_collected(
        bg: background) -> None:
    wrapped = PureTransformer(str.upper)
    upper = Handle(wrapped).activate()
    upper.put("a", "inbox")
    upper.put("b", "inbox")
    stop = shutdownMicroprocess()
    upper.put(stop, "control")
    assert upper.get("signal", block=True, timeout=PATIENCE) is stop
    bg.join(PATIENCE)
    assert not bg.is_alive()
    assert wrapped._isStopped() and upper._isStopped()
    assert [upper.get("outbox"), upper.get("outbox")] == ["A", "B"]


# ---------------------------------------------------------- 1.14's Handle
class LinksItsOwnPrivateBoxes(component):
    """Links its private outbox to a helper it makes, as TCPClient does with
    the selector; echoes "inbox" to "outbox" until told to stop."""

    Inboxes = {"inbox": "to echo", "control": "shutdown", "_fromHelper": "private"}
    Outboxes = {"outbox": "echoes", "signal": "shutdown", "_toHelper": "private"}

    def main(self) -> Iterator[Any]:
        helper = component()
        self.link((self, "_toHelper"), (helper, "inbox"))     # fails if already linked
        self.link((helper, "outbox"), (self, "_fromHelper"))
        self.send("private", "_toHelper")
        while True:
            for message in self.Inbox("inbox"):
                self.send(message, "outbox")
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()
            yield 1


def test_handle_is_a_threadedcomponent_with_1_14s_boxes() -> None:
    from Axon.ThreadedComponent import threadedcomponent
    handle = Handle(component())
    assert isinstance(handle, threadedcomponent)
    assert set(handle.inboxes) == {"_inbox", "_control"}
    assert set(handle.outboxes) == {"_outbox", "_signal"}


def test_handle_links_only_the_four_standard_boxes(bg: background) -> None:
    wrapped = LinksItsOwnPrivateBoxes()
    echo = Handle(wrapped).activate()
    echo.put("hello")
    assert echo.get("outbox", block=True, timeout=PATIENCE) == "hello"
    assert wrapped.outboxes["_toHelper"].target is not None     # its own link stands
    finish(echo, bg)


def test_put_takes_1_14s_positional_pair_or_a_boxname_keyword(bg: background) -> None:
    echo = Handle(PureTransformer()).activate()
    echo.put("one")
    echo.put("two", "inbox")
    echo.put("three", boxname="inbox")
    assert [echo.get("outbox", block=True, timeout=PATIENCE) for _ in range(3)] == [
        "one", "two", "three"]
    with pytest.raises(TypeError, match="put\\(\\) takes a message"):
        echo.put()
    finish(echo, bg)


def test_put_and_get_refuse_the_wrapped_components_private_boxes(bg: background) -> None:
    wrapped = LinksItsOwnPrivateBoxes()
    handle = Handle(wrapped).activate()
    with pytest.raises(KeyError, match="reaches only the standard boxes"):
        handle.put("lost", "_fromHelper")
    with pytest.raises(KeyError, match="reaches only the standard boxes"):
        handle.get("_toHelper")
    finish(handle, bg)


def test_underscore_get_returns_message_and_box_in_arrival_order(bg: background) -> None:
    echo = Handle(PureTransformer()).activate()
    echo.put("data")
    assert echo.get("outbox", block=True, timeout=PATIENCE) == "data"
    message = producerFinished()
    echo.put(message, "control")
    bg.join(PATIENCE)
    assert not bg.is_alive()
    assert echo._get() == (message, "signal")
    with pytest.raises(queue.Empty):
        echo._get()


def test_put_after_the_component_has_ended_raises_instead_of_losing_it(
        bg: background) -> None:
    echo = Handle(PureTransformer()).activate()
    finish(echo, bg)
    with pytest.raises(RuntimeError, match="has ended: cannot deliver 'late'"):
        echo.put("late")


def test_childrenDone_is_false_while_the_component_runs_and_true_after(bg: background) -> None:
    wrapped = PureTransformer()
    handle = Handle(wrapped)
    handle.addChildren(wrapped)
    assert not handle.childrenDone()
    handle.removeChild(wrapped)
    assert handle.childrenDone()
    handle.activate()
    finish(handle, bg)


def test_a_component_without_control_can_still_be_wrapped(bg: background) -> None:
    class NoControl(component):
        Inboxes = {"inbox": "numbers"}
        Outboxes = {"outbox": "doubled"}

        def main(self) -> Iterator[Any]:
            while True:
                for n in self.Inbox("inbox"):
                    if n is None:
                        return
                    self.send(n * 2, "outbox")
                self.pause()
                yield 1

    double = Handle(NoControl()).activate()
    double.put(21)
    assert double.get("outbox", block=True, timeout=PATIENCE) == 42
    with pytest.raises(KeyError, match="has no inbox 'control'"):
        double.put("stop", "control")
    double.put(None)
    bg.join(PATIENCE)
    assert not bg.is_alive()


def test_handle_around_a_TCPClient_which_links_its_own_private_boxes(bg: background) -> None:
    import socket

    from Kamaelia.Internet.TCPClient import TCPClient
    from nettools import IO_TIMEOUT, receiveExactly

    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(IO_TIMEOUT)
        port = listener.getsockname()[1]
        client = Handle(TCPClient("127.0.0.1", port)).activate()
        client.put(b"hello")
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(IO_TIMEOUT)
            assert receiveExactly(connection, 5) == b"hello"
            connection.sendall(b"world")
            assert client.get("outbox", block=True, timeout=PATIENCE) == b"world"
    # The server closed the connection: the client ends, and so does the handle.
    client.get("signal", block=True, timeout=PATIENCE)
    bg.join(PATIENCE)
    assert not bg.is_alive()


def test_an_ended_handle_lets_go_of_its_component_but_still_names_it(
        bg: background) -> None:
    wrapped = PureTransformer()
    name = wrapped.name
    ref = weakref.ref(wrapped)
    echo = Handle(wrapped).activate()
    assert echo.comp is wrapped
    del wrapped
    finish(echo, bg)
    assert echo.comp is None and echo.childComponents() == []
    gc.collect()
    assert ref() is None
    with pytest.raises(RuntimeError, match=re.escape(f"{name} has ended: cannot deliver 'late'")):
        echo.put("late")
    with pytest.raises(KeyError, match=re.escape(f"{name} has no outbox 'nonesuch'")):
        echo.get("nonesuch")
    with pytest.raises(queue.Empty):
        echo.get("outbox")


def test_activate_returns_the_handle_so_calls_chain(bg: background) -> None:
    handle = Handle(PureTransformer(str.upper))
    assert handle.activate() is handle
    handle.put("chained", "inbox")
    assert handle.get("outbox", block=True, timeout=PATIENCE) == "CHAINED"
    finish(handle, bg)
