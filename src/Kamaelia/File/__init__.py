"""Kamaelia.File: components for files, folders and programs.

Example Usage
-------------
Copy a file, and run it through a program on the way::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
    from Kamaelia.File.UnixProcess import UnixProcess
    from Kamaelia.File.Writing import SimpleFileWriter

    Pipeline(MaxSpeedFileReader("in.txt"), UnixProcess("tr a-z A-Z"),
             SimpleFileWriter("out.txt", atomic=True)).run()

What is here
------------
The modules keep the import paths of Kamaelia 1.14:

========================================  ==============================================
module                                    components
========================================  ==============================================
``Kamaelia.File.Reading``                 ``PromptedFileReader``, ``SimpleReader``, and the
                                          prefabs ``RateControlledFileReader``,
                                          ``ReusableFileReader``,
                                          ``RateControlledReusableFileReader``,
                                          ``FixedRateControlledReusableFileReader``
``Kamaelia.File.ReadFileAdaptor``         ``ReadFileAdaptor`` (a file or a command's
                                          output, at a steady pace)
``Kamaelia.File.MaxSpeedFileReader``      ``MaxSpeedFileReader``
``Kamaelia.File.BetterReading``           ``IntelligentFileReader``
``Kamaelia.File.TriggeredFileReader``     ``TriggeredFileReader`` (whole files, by name)
``Kamaelia.File.Writing``                 ``SimpleFileWriter`` (optionally atomic)
``Kamaelia.File.WholeFileWriter``         ``WholeFileWriter``
``Kamaelia.File.Append``                  ``Append``
``Kamaelia.File.UnixProcess``             ``UnixProcess`` (a program as a component)
``Kamaelia.File.UnixProcess2``            ``UnixProcess2`` (plus named pipes)
``Kamaelia.File.UnixPipe``                1.14's old name for ``UnixProcess``
``Kamaelia.File.DirectoryWatcher``        ``DirectoryWatcher``, ``FileEvent`` (new; needs
                                          the ``files`` extra: ``watchfiles``)
``Kamaelia.File.messages``                ``fileError``, ``processExited``,
                                          ``processStopped`` (what they end with),
                                          ``NameRefused`` (a name outside ``root=``)
========================================  ==============================================

Shared behaviour
----------------
* Nothing here blocks the scheduler: disk I/O runs in each component's own
  thread, and programs' pipes are non-blocking and watched by the scheduler.
* Nor does anything wait in ``open()`` or ``read()`` where it cannot be
  stopped: readers open FIFOs, pipes and character devices without
  blocking and, when there is nothing to read, wait for the scheduler to say
  there is, so a shutdown message ends them at once and no thread is left.
* Atomic writes (``atomic=True``) leave the old file intact if they are
  interrupted; the temporary file of a writer that was killed is removed
  by the next atomic write of the same file.
* The components that take file names from messages (``WholeFileWriter``,
  ``TriggeredFileReader``, the reusable readers of ``Reading``) accept
  ``root="/folder"`` to refuse names leading outside that folder (``..``,
  absolute paths, symbolic links out); use it wherever names come from the
  network. Without it, any name is opened, as in 1.14.
* A file, folder or program that cannot be used is reported with a
  :class:`~Kamaelia.File.messages.fileError` (path and reason) sent out of
  ``"signal"``, and the component ends; nothing else is affected.
* Readers never get more than a few pieces ahead of their consumer, so files
  larger than memory stream through in bounded memory.

The message classes are importable from here too; importing this package
imports nothing else (in particular not ``watchfiles``).
"""

from Kamaelia.File.messages import NameRefused, fileError, processExited, processStopped

__all__ = ["fileError", "processExited", "processStopped", "NameRefused"]
