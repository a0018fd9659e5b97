"""A watch folder: print each file that arrives, once it is completely written.

    python examples/folder_watcher.py

makes a temporary folder, watches it, drops three files into it (each
written slowly, in three parts), prints each one's arrival and exits:

    arrived: report.csv (30 bytes)
    arrived: photo.raw (3000 bytes)
    arrived: notes.txt (45 bytes)

``DirectoryWatcher(folder, events=["complete"])`` reports a file only once
it has stopped growing: unchanged for ``settle`` seconds and no longer open
for writing by anyone. ``Dropper`` stands in for whatever delivers files
(a camera, an upload, a copy): it writes one file, waits until ``Arrivals``
says it has seen it, then writes the next. After the last, ``Arrivals``
tells the watcher to stop; the watcher passes the shutdown message back,
and everything ends. (Point ``DirectoryWatcher`` at a real folder, drop the
``Dropper``, and this is a watch-folder service.)
"""
import os
import tempfile
import time
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.File.DirectoryWatcher import DirectoryWatcher

EXAMPLE_EXPECT = (
    "arrived: report.csv (30 bytes)\n"
    "arrived: photo.raw (3000 bytes)\n"
    "arrived: notes.txt (45 bytes)\n"
)

FILES = [("report.csv", b"a,b,c\n1,2,3\n" + b"4,5,6\n" * 3),
         ("photo.raw", bytes(3000)),
         ("notes.txt", b"Files are reported once, when they are done.\n")]


class Dropper(threadedcomponent):
    """Writes each file slowly, in three parts; waits for "next" before the next one."""

    Inboxes = {"inbox": "next: the last file has been seen", "control": "not used"}

    def __init__(self, folder: str, watcher: DirectoryWatcher, **argd: Any) -> None:
        super().__init__(**argd)
        self.folder, self.watcher = folder, watcher

    def main(self) -> None:
        self.watcher.ready.wait()               # watching has begun
        for name, data in FILES:
            third = len(data) // 3
            with open(os.path.join(self.folder, name), "wb") as f:
                for part in (data[:third], data[third:2 * third], data[2 * third:]):
                    f.write(part)
                    f.flush()
                    time.sleep(0.05)
            while not self.dataReady("inbox"):
                self.pause()
            self.recv("inbox")


class Arrivals(component):
    """Prints each arrival; after ``expected`` of them, stops the watcher."""

    Inboxes = {"inbox": "FileEvents", "control": "the watcher's signal"}
    Outboxes = {"outbox": "next: to the dropper", "watcher": "to stop the watcher",
                "signal": "not used"}

    def __init__(self, expected: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.expected = expected

    def main(self) -> Iterator[int]:
        seen = 0
        while seen < self.expected:
            for event in self.Inbox("inbox"):
                print(f"arrived: {os.path.basename(event.path)} ({event.size} bytes)")
                seen += 1
                self.send("next", "outbox")
            if seen < self.expected:
                self.pause()
                yield 1
        self.send(shutdownMicroprocess(self), "watcher")
        while not self.dataReady("control"):
            self.pause()
            yield 1


with tempfile.TemporaryDirectory() as folder:
    watcher = DirectoryWatcher(folder, events=["complete"], settle=0.2)
    Graphline(
        WATCH=watcher,
        SHOW=Arrivals(len(FILES)),
        DROP=Dropper(folder, watcher),
        linkages={
            ("WATCH", "outbox"): ("SHOW", "inbox"),
            ("SHOW", "outbox"): ("DROP", "inbox"),
            ("SHOW", "watcher"): ("WATCH", "control"),
            ("WATCH", "signal"): ("SHOW", "control"),
        },
    ).run()
