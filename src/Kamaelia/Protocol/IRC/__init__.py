"""Kamaelia.Protocol.IRC: Internet Relay Chat (RFC 1459, RFC 2812).

Modules
-------
* ``IRCClient`` -- ``IRC_Client``, which turns command tuples into IRC lines
  and the server's lines into tuples, and the ``SimpleIRCClientPrefab`` that
  connects one to a server

The text helpers ``informat`` and ``outformat`` are in
``Kamaelia.Support.Protocol.IRC``.

Importing this package imports none of its modules.
"""
