"""Kamaelia.Device: components that talk to devices, and what comes off them.

Example Usage
-------------
Split a transport stream by PID (see ``Kamaelia.Device.DVB``)::

    from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer

    demux = DVB_SoftDemuxer({0x00: "pat", 0x11: "sdt"})
    print(sorted(demux.outboxes))       # its outboxes, made from the map

How does it work?
-----------------
Kamaelia 1.14 kept its DVB receiver components here (disabled in 1.14
itself: "bit rot"); their import paths are kept. Importing this package
imports none of its modules.

Modules
-------
* ``DVB`` -- MPEG transport streams: demultiplexing by PID, PSI/SI tables, now and next
"""
