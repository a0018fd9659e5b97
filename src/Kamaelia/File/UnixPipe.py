"""Kamaelia.File.UnixPipe: 1.14's old name for :class:`Kamaelia.File.UnixProcess.UnixProcess`.

Example Usage
-------------
A program's output, through ``Pipethrough`` (the old name)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.UnixPipe import Pipethrough
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(DataSource([b"hello\\n"]), Pipethrough("tr a-z A-Z"), ConsoleEchoer()).run()

How does it work?
-----------------
``Pipethrough`` is :class:`~Kamaelia.File.UnixProcess.UnixProcess` itself
(1.14 made a stub subclass that printed a deprecation note when first made);
see that module for what it does and how it shuts down. Importing it logs a
note through :func:`Kamaelia._oldnames.oldName` (silent unless logging shows
INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.File.UnixProcess import UnixProcess as Pipethrough

__all__ = ["Pipethrough"]

oldName(__name__, "Kamaelia.File.UnixProcess")
