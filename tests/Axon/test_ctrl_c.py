"""Ctrl-C (SIGINT) during run() stops the whole system promptly and cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = textwrap.dedent("""
    import sys
    from Axon.Component import component
    from Axon.ThreadedComponent import threadedcomponent
    from Kamaelia.Chassis.Pipeline import Pipeline

    class Waiter(threadedcomponent):
        def main(self):
            print("ready", flush=True)
            while not self.dataReady("control"):
                self.pause()
            print("thread told to stop", flush=True)

    class Idle(component):
        def main(self):
            while True:
                self.pause()
                yield 1

        def _closeDownMicroprocess(self):
            print("idle closed down", flush=True)
            return super()._closeDownMicroprocess()

    Pipeline(Waiter(), Idle()).run()
""")


def _interruptWhenReady(program: str) -> tuple[int, str, str]:
    """Run ``program``; once it prints "ready", send SIGINT. (status, stdout, stderr)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"     # the system is running
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    return child.returncode, out, err


def test_sigint_stops_every_component_and_exits_with_the_interrupt_status() -> None:
    status, out, err = _interruptWhenReady(PROGRAM)
    assert status == -signal.SIGINT, err
    assert "Kamaelia: interrupted" in err and "Traceback" not in err, err
    assert "thread told to stop" in out
    assert "idle closed down" in out


ASYNC_PROGRAM = textwrap.dedent("""
    import asyncio
    from Axon.Component import component

    class Forever(component):
        async def main(self):
            print("ready", flush=True)
            try:
                await asyncio.Event().wait()
            finally:
                print("await cancelled", flush=True)

    asyncio.run(Forever().runAsync())
""")


def test_sigint_under_asyncio_cancels_pending_awaits_and_exits_with_the_interrupt_status() -> None:
    status, out, err = _interruptWhenReady(ASYNC_PROGRAM)
    assert status == -signal.SIGINT, err
    assert "await cancelled" in out
    assert "Task was destroyed" not in err and "never awaited" not in err
