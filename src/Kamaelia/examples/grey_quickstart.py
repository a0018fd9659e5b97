"""Kamaelia Grey in front of a mail server: a message sent twice, deferred then delivered.

    python examples/grey_quickstart.py     # needs aiosmtpd (pip install aiosmtpd)

prints::

    Grey listens on 127.0.0.1, relaying to the mail server behind it
    first attempt: 451 4.7.1 Greylisted, please try again in 300 seconds
    (six minutes later, as the greylist's clock sees it)
    second attempt: accepted, 250 2.0.0 Message accepted for delivery
    the mail server received from alice@example.net for ['bob@example.org']:
      Subject: greylisting at work
      A line that starts with a dot:
      .like this one
    greylist: 1 triplet, 1 passed, 1 deferred

The mail server is ``aiosmtpd`` (a real SMTP server, on a free port, in a
thread of its own); Grey (``GreyService``: the same system ``kamaelia
grey`` runs) listens on another free port in front of it, with its
greylist in a temporary folder. The first attempt from a sender it has not
seen is deferred, as greylisting does; a real mail server would try again
a few minutes later. So that the example does not take five minutes, the
greylist is given a clock of its own, which the program moves on by six
minutes; the second attempt then passes and the message is relayed in real
time: the ``250`` the client gets is the mail server's own answer.
"""

import asyncio
import smtplib
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from Axon.Ipc import producerFinished
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Apps.Grey.config import GreyConfig
from Kamaelia.Apps.Grey.service import GreyService

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = """\
Grey listens on 127.0.0.1, relaying to the mail server behind it
first attempt: 451 4.7.1 Greylisted, please try again in 300 seconds
(six minutes later, as the greylist's clock sees it)
second attempt: accepted, 250 2.0.0 Message accepted for delivery
the mail server received from alice@example.net for ['bob@example.org']:
  Subject: greylisting at work
  A line that starts with a dot:
  .like this one
greylist: 1 triplet, 1 passed, 1 deferred
"""

MESSAGE = (b"Subject: greylisting at work\r\n\r\n"
           b"A line that starts with a dot:\r\n.like this one\r\n")


class MailServer:
    """aiosmtpd on 127.0.0.1, a free port, in a thread; keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.smtp import SMTP

        self.received: list[tuple[str, list[str], bytes]] = []
        self.loop = asyncio.new_event_loop()
        server = self

        class Keep:
            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
                server.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                                        envelope.original_content))
                return "250 2.0.0 Message accepted for delivery"

        self.server = self.loop.run_until_complete(self.loop.create_server(
            lambda: SMTP(Keep(), hostname="mail.example.org", loop=self.loop),
            "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())
        self.loop.close()


class Clock:
    """The greylist's clock: the real time, plus however far the program moved it."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


class Sender(threadedcomponent):
    """Sends the message twice through Grey (smtplib blocks: a thread of its own),
    notes the greylist's figures, then tells the service to stop."""

    Outboxes = {"outbox": "unused", "signal": "producerFinished to the service, at the end"}

    def __init__(self, port: int, clock: Clock, greylist: Any) -> None:
        super().__init__()
        self.port, self.clock, self.greylist = port, clock, greylist
        self.stats: dict[str, int] = {}

    def attempt(self) -> str:
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.ehlo("mx.example.net")
            client.mail("alice@example.net")
            code, text = client.rcpt("bob@example.org")
            if code >= 400:
                return f"{code} {text.decode()}"
            code, text = client.data(MESSAGE)      # the mail server's own answer
            return f"accepted, {code} {text.decode()}"

    def main(self) -> None:
        print(f"first attempt: {self.attempt()}")
        self.clock.ahead += 6 * 60
        print("(six minutes later, as the greylist's clock sees it)")
        print(f"second attempt: {self.attempt()}")
        self.stats = self.greylist.stats()
        self.send(producerFinished(self), "signal")


def main() -> int:
    try:
        mail = MailServer()
    except ImportError:
        print("This example needs aiosmtpd as the mail server: pip install aiosmtpd",
              file=sys.stderr)
        return 1
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder:
        config = GreyConfig(port=0, smtp_port=mail.port, servername="grey.example.org",
                            db=str(Path(folder) / "greylist.sqlite"), greylist_log=None,
                            allowed_senders=[])
        service = GreyService(config, host="127.0.0.1", clock=clock)
        print("Grey listens on 127.0.0.1, relaying to the mail server behind it")
        assert service.smtpPort is not None
        sender = Sender(service.smtpPort, clock, service.greylist)
        sender.link((sender, "signal"), (service, "control"))
        sender.activate()
        service.run()             # until the sender's producerFinished
        mail.stop()
    for mailFrom, recipients, content in mail.received:
        print(f"the mail server received from {mailFrom} for {recipients}:")
        for line in content.decode().splitlines():
            if line:
                print(f"  {line}")
    stats = sender.stats
    print(f"greylist: {stats['triplets']} triplet{'s' if stats['triplets'] != 1 else ''}, "
          f"{stats['passed']} passed, {stats['deferred']} deferred")
    return 0


if __name__ == "__main__":
    sys.exit(main())
