"""Kamaelia.Support.Protocol: helper functions for protocol components.

=====================================  =============================================
module                                 contents
=====================================  =============================================
``Kamaelia.Support.Protocol.IRC``      ``informat`` / ``outformat``: console text to
                                       IRC_Client commands and back
``Kamaelia.Support.Protocol.HTTP``     request translators (WSGI-like), URI
                                       "popping", routing tables for HTTPServer
=====================================  =============================================

Importing this package imports none of its modules.
"""
