"""\
============
HTTP helpers
============

``HTTPMakePostRequest(uploadurl)`` turns each message it receives into a
request for :class:`~Kamaelia.Protocol.HTTP.HTTPClient.SimpleHTTPClient`
that POSTs the message to ``uploadurl``.

Example Usage
-------------
Post each line typed to a URL::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.HTTP.HTTPClient import SimpleHTTPClient
    from Kamaelia.Protocol.HTTP.HTTPHelpers import HTTPMakePostRequest
    from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader

    Pipeline(
        ConsoleReader(eol=""),
        HTTPMakePostRequest("http://127.0.0.1:8080/upload"),
        SimpleHTTPClient(),
        ConsoleEchoer(),
    ).run()

How does it work?
-----------------
Each message ``m`` on "inbox" becomes ``{"url": uploadurl, "postbody": m}``
on "outbox". ``producerFinished`` or ``shutdownMicroprocess`` (or 1.14's
``shutdown``) on "control": what is waiting on "inbox" is handled first,
then the message is passed on out of "signal" and it ends.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess

__all__ = ["HTTPMakePostRequest"]


class HTTPMakePostRequest(component):
    """HTTPMakePostRequest(uploadurl) -> turns messages into POST requests for SimpleHTTPClient.

    - uploadurl -- the URL (str) to POST each message to
    """

    Inboxes = {"inbox": "bodies to POST (str or bytes)",
               "control": "producerFinished or shutdownMicroprocess: finish"}
    Outboxes = {"outbox": "requests for SimpleHTTPClient: {'url': uploadurl, 'postbody': message}",
                "signal": "the shutdown message, passed on"}

    def __init__(self, uploadurl: str) -> None:
        if not isinstance(uploadurl, str) or not uploadurl:
            raise ValueError(f"uploadurl must be a URL (str), not {uploadurl!r}")
        super().__init__()
        self.uploadurl = uploadurl

    def _forward(self) -> None:
        for message in self.Inbox("inbox"):
            self.send({"url": self.uploadurl, "postbody": message}, "outbox")

    def _shutdownMessage(self) -> Any:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess, shutdown)):
                return message
        return None

    def main(self) -> Iterator[Any]:
        while True:
            self._forward()
            stop = self._shutdownMessage()
            if stop is not None:
                self._forward()
                self.send(stop, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1


__kamaelia_components__ = (HTTPMakePostRequest,)
