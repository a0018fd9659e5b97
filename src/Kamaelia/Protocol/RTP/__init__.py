"""Kamaelia.Protocol.RTP: the Real-time Transport Protocol (RFC 3550, RFC 3551).

====================================================  ==========================================
module                                                contents
====================================================  ==========================================
``Kamaelia.Protocol.RTP.RTP``                         ``RTPFramer`` and ``RTPDeframer``: RTP
                                                      packets from and to dictionaries
``Kamaelia.Protocol.RTP.RTPHeader``                   ``RTPHeader``, the fixed header as a
                                                      bit-field record; ``RTPSource``,
                                                      ``RawRTPPayload``
``Kamaelia.Protocol.RTP.RTCPHeader``                  the RTCP packets (sender and receiver
                                                      reports, source descriptions, BYE, APP)
                                                      as bit-field records
``Kamaelia.Protocol.RTP.NullPayloadRTP``              ``NullPayloadPreFramer``: a byte stream
                                                      as length-prefixed, timestamped chunks
``Kamaelia.Protocol.RTP.NullPayloadPreFramer``        the module name 1.14 reserved for
                                                      ``NullPayloadPreFramer`` (the same class)
``Kamaelia.Protocol.RTP.RtpPacker``                   ``RtpPacker``: those chunks as RTP packets
====================================================  ==========================================

Every wire format here is RFC 3550's: fields in network byte order, most
significant bit first. See each module for its example.

Importing this package imports none of its modules.
"""
