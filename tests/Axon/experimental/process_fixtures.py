"""A fixture the process tests share (kept apart from process_helpers, which
child processes import, so that they need not import pytest)."""

from __future__ import annotations

import os

import pytest

from Axon.experimental._pipes import processContext


@pytest.fixture(scope="module", autouse=True)
def forkserver_started() -> None:
    """Start the forkserver once, so its own descriptors are not counted as
    leaks (import it into a test module to use it there)."""
    process = processContext().Process(target=os.getpid)
    process.start()
    process.join()
    process.close()
