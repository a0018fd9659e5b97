"""Kamaelia.Internet: sockets as components (TCP, UDP, multicast).

Example Usage
-------------
An echo server on a port chosen by the system, and a client that says hello::

    from Kamaelia.Chassis.ConnectedServer import SimpleServer
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol

    server = SimpleServer(protocol=EchoProtocol, port=0)
    print("listening on", server.port)

The modules keep the import paths of Kamaelia 1.14; see each one's docstring.
Sockets are watched by the scheduler's own wait (``addReader``/``addWriter``),
so an idle server uses no CPU and needs no thread.
"""
