"""AudioCookieProtocol: send each client a randomly chosen audio file, at 95.2 kbit/s.

Example Usage
-------------
Stream a file (here a made-up one) to whoever connects::

    import os, tempfile
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.AudioCookieProtocol import AudioCookieProtocol
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "beep.raw"), "wb") as f:
            f.write(bytes(1000))                       # 1000 bytes of silence
        Pipeline(
            AudioCookieProtocol(folder=folder),
            PureTransformer(lambda piece: f"{len(piece)} "),
            ConsoleEchoer(),
        ).run()                                        # prints 476 476 48

How does it work?
-----------------
As a server (``netcat <server> 1500 | aplay -`` to listen)::

    from Kamaelia.Chassis.ConnectedServer import SimpleServer

    SimpleServer(protocol=AudioCookieProtocol, port=1500).run()

``AudioCookieProtocol(debug=0, folder="Support/wav", filename=None,
command=None, bitrate=95200, chunkrate=25)`` sends the raw bytes of one
audio file out of ``"outbox"``, at ``bitrate`` bits a second in
``chunkrate`` pieces a second (1.14's pace: 476-byte pieces, 25 a second),
then ``producerFinished`` out of ``"signal"``, and ends (so a server closes
the connection). What it sends:

* ``command`` given: that shell command's output (``command="./afortune.pl"``
  runs 1.14's script);
* else ``filename`` given: that file;
* else a file picked at random from ``folder`` -- what 1.14's
  ``afortune.pl`` did with ``Support/wav`` under the current directory,
  which stays the default.

It reads through a child
:class:`~Kamaelia.File.ReadFileAdaptor.ReadFileAdaptor` whose ``"outbox"``
passes straight through to the protocol's (1.14's structure:
``initialiseComponent`` makes it, ``mainBody`` waits for it). A file or
folder that cannot be read is logged as an error (logger
``Kamaelia.Protocol.AudioCookieProtocol``) and the ``fileError`` saying
why is sent out of ``"signal"`` instead. ``debug`` is kept for 1.14
compatibility; keyword arguments a server's factory passes (``peer``,
``peerport``, ...) are kept as attributes.

Shutdown: ``shutdownMicroprocess`` on ``"control"`` stops the reading; it
is passed on out of ``"signal"``. ``producerFinished`` (the client closed
its sending side) changes nothing. Other control messages are logged and
ignored.

What it does not do: it does not look at the audio (any file is sent as it
is), and sends no header or end marker: the end of the connection is the
end of the sound.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from Kamaelia.File.messages import fileError
from Kamaelia.Protocol._paced import PacedFileProtocol, checkRates

__all__ = ["AudioCookieProtocol"]


class AudioCookieProtocol(PacedFileProtocol):
    """AudioCookieProtocol(debug=0, folder="Support/wav", filename=None, command=None, bitrate=95200, chunkrate=25) -> sends one audio file, paced

    - debug     -- kept for 1.14 compatibility; not used
    - folder    -- pick a file at random from here (1.14: ``Support/wav``)
    - filename  -- send this file instead
    - command   -- send this shell command's output instead
    - bitrate   -- bits a second (1.14: 95200)
    - chunkrate -- pieces a second (1.14: 25)
    """

    Inboxes = {"inbox": "not used", "control": "shutdownMicroprocess: stop",
               **PacedFileProtocol._privateInboxes}
    Outboxes = {"outbox": "raw audio data", "signal": "producerFinished at the end of the data",
                **PacedFileProtocol._privateOutboxes}

    def __init__(self, debug: Any = 0, folder: str = "Support/wav", filename: str | None = None,
                 command: str | None = None, bitrate: float = 95200, chunkrate: float = 25,
                 **argd: Any) -> None:
        # Checked at once: ReadFileAdaptor refuses bad rates with a message naming them.
        checkRates("AudioCookieProtocol", bitrate, chunkrate)
        super().__init__(**argd)
        self.debug = debug
        self.folder = folder
        self.filename = filename
        self.command = command
        self.bitrate = bitrate
        self.chunkrate = chunkrate

    def chooseFile(self) -> Path | fileError:
        """The file to send: ``filename``, or one picked at random from ``folder``."""
        if self.filename is not None:
            return Path(self.filename)
        try:
            files = sorted(p for p in Path(self.folder).iterdir() if p.is_file())
        except OSError as exc:
            return fileError(self, self.folder, exc.strerror or str(exc), exc, "list")
        if not files:
            return fileError(self, self.folder, "it holds no files", None, "pick a file from")
        return random.choice(files)

    def makeReader(self) -> ReadFileAdaptor | fileError:
        if self.command is not None:
            return ReadFileAdaptor(command=self.command, readmode="bitrate",
                                   bitrate=self.bitrate, chunkrate=self.chunkrate)
        chosen = self.chooseFile()
        if isinstance(chosen, fileError):
            return chosen
        return ReadFileAdaptor(filename=str(chosen), readmode="bitrate", bitrate=self.bitrate,
                               chunkrate=self.chunkrate)


__kamaelia_components__ = (AudioCookieProtocol,)
