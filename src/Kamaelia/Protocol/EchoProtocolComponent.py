"""EchoProtocolComponent: Kamaelia 1.14's old name for the echo protocol.

Example Usage
-------------
Code written against the old module name keeps working::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.EchoProtocolComponent import EchoProtocol
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(DataSource(["echo\\n"]), EchoProtocol(), ConsoleEchoer()).run()   # prints echo

How does it work?
-----------------
``EchoProtocol`` here is the very class of
:mod:`Kamaelia.Protocol.EchoProtocol` (see there for its boxes and shutdown).
Importing it logs a note through :func:`Kamaelia._oldnames.oldName` (silent
unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks for
warnings, as in 1.14). New code should import from
``Kamaelia.Protocol.EchoProtocol``.
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Protocol.EchoProtocol import EchoProtocol

__all__ = ["EchoProtocol"]

oldName(__name__, "Kamaelia.Protocol.EchoProtocol")
