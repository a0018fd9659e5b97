"""Kamaelia.Protocol: what is said over a connection, as components.

Example Usage
-------------
Carry messages over a byte stream that may be cut anywhere, and get them
back whole::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.Framing import DataChunker, DataDeChunker
    from Kamaelia.Protocol.Packetise import MaxSizePacketiser
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([b"hello\\n", b"world\\n"]),
        DataChunker(),
        MaxSizePacketiser(3),              # the stream, in 3-byte packets
        DataDeChunker(),
        PureTransformer(bytes.decode),
        ConsoleEchoer(),
    ).run()                                # prints hello and world

What is here
------------
The modules keep the import paths of Kamaelia 1.14:

=============================================  ==================================================
module                                         contents
=============================================  ==================================================
``Kamaelia.Protocol.Framing``                  ``Framer``, ``DeFramer`` and ``SimpleFrame``
                                               (stamped frames); ``DataChunker``,
                                               ``DataDeChunker`` (messages as chunks of a stream,
                                               in 1.14's wire format by default); the plain
                                               ``ChunkEncoder`` and ``ChunkDecoder``; the errors
                                               ``FramingError``, ``CorruptFrame``,
                                               ``ShortFrame``, ``CorruptChunk``,
                                               ``IncompleteChunk``
``Kamaelia.Protocol.Packetise``                ``MaxSizePacketiser`` (data cut into packets no
                                               larger than a size)
``Kamaelia.Protocol.SimpleReliableMulticast``  ``SRM_Sender``, ``SRM_Receiver``: ordered,
                                               de-duplicated messages over a lossy link
``Kamaelia.Protocol.RecoverOrder``             ``RecoverOrder`` (sequence-numbered items back in
                                               order, with wrapping numbers)
``Kamaelia.Protocol.EchoProtocol``             ``EchoProtocol`` (sends back what arrives)
``Kamaelia.Protocol.EchoProtocolComponent``    1.14's old name for ``EchoProtocol``
``Kamaelia.Protocol.FortuneCookieProtocol``    ``FortuneCookieProtocol`` (one cookie, at 1.14's
                                               40 characters a second, then finished)
``Kamaelia.Protocol.AudioCookieProtocol``      ``AudioCookieProtocol`` (an audio file, paced)
``Kamaelia.Protocol.SimpleVideoCookieServer``  ``HelloServer`` (a video file, paced)
``Kamaelia.Protocol.MimeRequestComponent``     ``MimeRequestComponent`` (one MIME-style request
                                               as a ``mimeObject``)
``Kamaelia.Protocol.SDP``                      ``SDPParser`` (session descriptions, RFC 4566)
``Kamaelia.Protocol.RTP``                      RTP and RTCP (RFC 3550): ``RTP.RTPFramer``,
                                               ``RTP.RTPDeframer``, the header records, the null
                                               payload pre-framer, ``RtpPacker``
``Kamaelia.Protocol.HTTP``                     HTTP/1.1 (httptools, h11): ``HTTPServer`` (per
                                               connection, ``HTTPResourceGlue`` routing), static
                                               files (``Handlers.Minimal``), ``HTTPClient``, WSGI
                                               hosting, Icecast streams
``Kamaelia.Protocol.WebSocket``                ``WebSocketServer``, ``WebSocketRoute``,
                                               ``WebSocketProtocol`` (a browser talking to a
                                               component, on wsproto)
``Kamaelia.Protocol.SMTP``                     mail transfer (RFC 5321) as plain objects:
                                               ``SMTPServerSession``, ``SMTPClientSession``
``Kamaelia.Protocol.IRC``                      ``IRCClient.IRC_Client`` and
                                               ``IRCClient.SimpleIRCClientPrefab``
``Kamaelia.Protocol.AIM``                      retired: AOL shut the AIM service down
``Kamaelia.Protocol.Torrent``                  retired: built on a Python 2 BitTorrent library
=============================================  ==================================================

Importing a retired module raises ``ImportError`` saying why (see
``docs/compatibility.md``).

A protocol of a TCP server is given as the server's ``protocol``; the
server makes one for each connection (``telnet localhost 1501`` to try)::

    from Kamaelia.Chassis.ConnectedServer import SimpleServer
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol

    SimpleServer(protocol=EchoProtocol, port=1501).run()

Shared behaviour
----------------
* ``bytes`` is the main case, as networks carry bytes; ``str`` works too
  wherever 1.14 used it, one kind per stream.
* Each component takes shutdown messages on ``"control"`` and passes them on
  out of ``"signal"`` as it ends; on ``producerFinished`` it first sends what
  it holds. Each pauses when it has nothing to do.
* Bad data is logged (naming the component and what was wrong) and skipped;
  it never stops a component.
* The wire formats are handled by plain objects (``SimpleFrame``,
  ``ChunkEncoder``, ``ChunkDecoder``) that can be used, and are tested,
  without a scheduler.

Importing this package imports none of its modules.
"""
