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
so an idle server uses no CPU and needs no thread. The servers that run a
protocol per connection (``ServerCore``, ``SimpleServer``) are in
``Kamaelia.Chassis.ConnectedServer``.

Modules
-------
* ``TCPClient`` -- a TCP connection as a component (IPv4, IPv6, TLS)
* ``TCPServer`` -- a listening socket that hands out connections
* ``ConnectedSocketAdapter`` -- a connected socket as a component
* ``FileRegion`` -- "send these bytes of this file" (the kernel's sendfile), for a connection
* ``SingleServer`` -- a server for one client at a time, as a plain component
* ``ThreadedTCPClient`` -- a TCP connection handled by blocking code in a thread
* ``TimeOutCSA`` -- connections (or any component) closed when idle
* ``Selector`` -- 1.14's "tell me when this socket is ready" service
* ``UDP`` -- UDP peers: datagrams out of what arrives, and in from the network
* ``UDP_ng`` -- UDP split in two, a sender and a receiver (1.14's "next generation")
* ``Multicast_sender`` -- send what arrives to a multicast group
* ``Multicast_receiver`` -- join a multicast group and pass on what is sent to it
* ``Multicast_transceiver`` -- send to a multicast group, and hear it
* ``Simulate`` -- components that make a connection misbehave, for testing
"""
