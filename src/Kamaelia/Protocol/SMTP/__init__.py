"""Kamaelia.Protocol.SMTP: mail transfer (RFC 5321) as plain objects, bytes in and out.

Example Usage
-------------
A client session and a server session talking to each other in memory:
what one writes, the other receives. The server's decisions (who may send,
to whom, the verdict on the message) are the caller's; here everything is
accepted::

    from Kamaelia.Protocol.SMTP import (
        NEED_DATA, DataStart, Decision, MessageData, SMTPClientSession, SMTPServerSession)

    server = SMTPServerSession(hostname="mx.example.org")
    client = SMTPClientSession()
    client.receive(server.greeting())
    received = b""

    def serve(wire):
        global received
        server.receive(wire)
        while (event := server.nextEvent()) is not NEED_DATA:
            if isinstance(event, MessageData):
                received += event.chunk
            elif isinstance(event, Decision):
                server.answer(354 if isinstance(event, DataStart) else 250, "Ok")
        client.receive(server.output())
        while (reply := client.nextReply()) is not NEED_DATA:
            print(reply.command, reply.code, reply.enhanced)

    serve(client.ehlo("relay.example.com"))
    serve(client.mail("alice@example.com") + client.rcpt("bob@example.org") + client.data())
    serve(client.messageChunk(b"Subject: test\\r\\n\\r\\n.hello\\r\\n") + client.endMessage()
          + client.quit())
    print(received)
    print(server.closed)

prints::

    greeting 220 None
    EHLO 250 None
    MAIL 250 2.1.0
    RCPT 250 2.1.5
    DATA 354 None
    END-OF-DATA 250 2.0.0
    QUIT 221 2.0.0
    b'Subject: test\\r\\n\\r\\n.hello\\r\\n'
    True

How does it work?
-----------------
Neither session touches a socket, a clock or a thread: each keeps the state
of its end of one connection, so each is tested with byte strings and used
by components (Kamaelia Grey's per-connection ``GreySession``) that do the
I/O. See the modules for the rules each keeps (limits, extensions,
PIPELINING, STARTTLS, dot-stuffing).

Modules
-------
* ``server`` -- ``SMTPServerSession``: the server end (replies, the
  decisions it asks the caller for, and the events it reports)
* ``client`` -- ``SMTPClientSession``: the client end (commands to send,
  ``Reply`` objects from the server's bytes, dot-stuffed message text)

The public names of both are importable from here. There was no SMTP
protocol module in Kamaelia 1.14 (its greylister parsed SMTP inside the
``Kamaelia.Apps.Grey`` components).
"""

from Kamaelia.Protocol.SMTP.client import Reply, SMTPClientSession, SMTPReplyError
from Kamaelia.Protocol.SMTP.server import (NEED_DATA, PAUSED, DataStart, Decision, Event, Hello,
                                           MailFrom, MessageData, MessageEnd, ProtocolError,
                                           Quit, RcptTo, Reset, SMTPServerSession, StartTLS)

__all__ = ["SMTPServerSession", "SMTPClientSession", "Reply", "SMTPReplyError", "NEED_DATA",
           "PAUSED", "Event", "Decision", "Hello", "Reset", "MessageData", "StartTLS", "Quit",
           "ProtocolError", "MailFrom", "RcptTo", "DataStart", "MessageEnd"]
