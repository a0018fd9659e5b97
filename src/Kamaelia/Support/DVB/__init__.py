"""Kamaelia.Support.DVB: MPEG-2 transport streams and DVB tables, as plain functions.

Example Usage
-------------
::

    from Kamaelia.Support.DVB.CRC import dvbcrc

    assert not dvbcrc(b"\\x00\\xb0\\x0d")          # (a cut-off section is not intact)

How does it work?
-----------------
The parts that components in ``Kamaelia.Device.DVB`` lean on, without
Axon: bytes in, values out (ISO/IEC 13818-1 and ETSI EN 300 468). Kamaelia
1.14 had ``CRC``, ``DateTime``, ``Descriptors`` and ``ChannelsConf`` here
(disabled: "bit rot"); their names are kept.

Modules
-------
* ``CRC`` -- CRC-32/MPEG-2, the checksum at the end of every table section
* ``TransportStream`` -- 188-byte packets: sync and resync, PIDs, continuity, PSI sections
* ``Text`` -- DVB text (EN 300 468 Annex A): ISO 6937, ISO 8859, UCS-2 and UTF-8 strings
* ``DateTime`` -- MJD dates and BCD times, as DVB tables write them
* ``Descriptors`` -- the descriptors of DVB tables, parsed into dicts (1.14's shapes)
* ``ChannelsConf`` -- channels.conf files (zap and dvbv5 formats): what to tune to
* ``LinuxDVB`` -- the Linux DVB API (frontend, demux, dvr) through ioctl, no bindings
"""
