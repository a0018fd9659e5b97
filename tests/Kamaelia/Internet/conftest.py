"""The network tests: each starts with the network layer's log limiters reset.

The network components log per-connection failures through module-level
:class:`~Kamaelia._logthrottle.RepeatLimiter` objects, so without this a
test that checks for a logged reason could find it suppressed because an
earlier test logged the same kind of failure a moment before.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from Kamaelia._logthrottle import forgetAll


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> Iterator[None]:
    forgetAll(report=False)
    yield
