"""Kamaelia.Util.TestResultComponent: Kamaelia 1.14's old name for :mod:`Kamaelia.Util.TestResult`.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Util.TestResultComponent import testResultComponent
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(DataSource([True, 1, "yes"]), testResultComponent()).run()
    print("all results were true")

New code should import from :mod:`Kamaelia.Util.TestResult`.

How does it work?
-----------------
``testResultComponent`` is :class:`Kamaelia.Util.TestResult.TestResult` itself
(not a subclass), so ``isinstance`` checks and subclasses behave as with the
new name. Importing it logs a note through :func:`Kamaelia._oldnames.oldName`
(silent unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks
for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Util.TestResult import TestResult

testResultComponent = TestResult

__all__ = ["testResultComponent"]

oldName(__name__, "Kamaelia.Util.TestResult")
