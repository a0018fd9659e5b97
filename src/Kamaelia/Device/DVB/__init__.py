"""Kamaelia.Device.DVB: MPEG transport streams as components -- demultiplexing and tables.

Example Usage
-------------
Split a stream by PID and put the PAT's sections back together::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.Parse.ReassemblePSITables import ReassemblePSITables
    from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
    from Kamaelia.Support.DVB.CRC import crc32mpeg2
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    body = bytes.fromhex("00b00d0001c100000001e020")    # PAT: programme 1 -> PMT PID 0x20
    pat = body + crc32mpeg2(body).to_bytes(4, "big")
    video = bytes([0x47, 0x01, 0x00, 0x10]).ljust(188, b"\\x00")
    stream = b"".join((bytes([0x47, 0x40, 0x00, 0x10 | n, 0]) + pat).ljust(188, b"\\xff") + video
                      for n in range(3))

    Pipeline(DataSource([stream]),
             DVB_SoftDemuxer({0x00: "outbox"}),
             ReassemblePSITables(),
             PureTransformer(lambda section: f"PAT section, {len(section)} bytes\\n"),
             ConsoleEchoer()).run()

How does it work?
-----------------
Chunks of transport stream (from a file, a socket, a tuner: ``Tuner``,
``Core.DVB_Multiplex``, ``Receiver``) go into a demultiplexer, which cuts
them into 188-byte packets and sends each PID's packets where asked:
``DVB_SoftDemuxer`` (or ``Core.DVB_Demuxer``) by a fixed map,
``DemuxerService`` to clients that ask for PIDs while it runs.
``Parse.ReassemblePSITables`` puts the PSI/SI sections (the tables that
describe the stream: PAT, PMT, SDT, EIT, ...) back together, and the
other ``Parse`` modules turn them into dicts. The byte-level work is
done by plain objects in ``Kamaelia.Support.DVB.TransportStream``, which
can be used without components.

Kamaelia 1.14 had these components (disabled: "bit rot", and needing
Pyrex bindings); their names, boxes and message shapes are kept, and
each module says where it differs.

Modules
-------
* ``Core`` -- DVB_Multiplex (receive a fixed set of PIDs from a tuner) and DVB_Demuxer
* ``Tuner`` -- Tuner: tune a Linux DVB adapter and send the packets of the PIDs asked for
* ``Receiver`` -- Receiver: a tuner and a DemuxerService, shared by clients asking for PIDs
* ``SoftDemux`` -- DVB_SoftDemuxer: a transport stream in, each PID's packets out of its outboxes
* ``DemuxerService`` -- DemuxerService: demultiplexing as a service; clients ask for PIDs
* ``Parse`` -- PSI/SI tables: sections reassembled from packets, parsed and prettified
* ``EIT`` -- now and next programmes, and the time, straight from packets
* ``NowNext`` -- programme junctions, told from amendments, in now/next events
* ``PSITables`` -- components that sort parsed tables (e.g. only those in force now)
"""
