"""NullPayloadPreFramer: the module name 1.14 reserved for the null payload pre-framer.

Example Usage
-------------
::

    from Kamaelia.Protocol.RTP.NullPayloadPreFramer import NullPayloadPreFramer

    framer = NullPayloadPreFramer("stream", sourcebitrate=8000, chunksize=2)
    print(framer.makeChunk(b"hi"))          # b"\\x00\\x00\\x00\\x02hi"

How does it work?
-----------------
In 1.14 this module was empty; the component lives in
:mod:`Kamaelia.Protocol.RTP.NullPayloadRTP`, and is the same class here.
"""

from __future__ import annotations

from Kamaelia.Protocol.RTP.NullPayloadRTP import NullPayloadPreFramer, packLengthAsString

__all__ = ["NullPayloadPreFramer", "packLengthAsString"]
