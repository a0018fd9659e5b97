"""Kamaelia TV recorder: record many channels at once, one file per programme, for the web.

Example Usage
-------------
From the shell (see ``docs/apps/recorder.md``)::

    $ kamaelia record scan --source udp://239.1.1.1:1234
    $ kamaelia record --source udp://239.1.1.1:1234 --channel "BBC ONE" \\
          --channel "BBC TWO" --out recordings --web 8080
    $ kamaelia record --source dvb://BBC ONE?conf=channels.conf --rules rules.toml

From Python, the same as components (a file here, read as fast as it goes)::

    from Kamaelia.Apps.TVRecorder.recorder import ChannelSelection, Recorder
    from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer

    if __name__ == "__main__":
        Pipeline(TransportStreamSource("mux.ts"),
                 Recorder("recordings", ChannelSelection(["BBC ONE"])),
                 PureTransformer(lambda done: f"{done.path}\\n"),
                 ConsoleEchoer()).run()

How does it work?
-----------------
A source (``sources``) gives chunks of transport stream; the recorder
(``recorder``) reads the SDT for the channels' names and the EIT for what
is on, tells programme junctions from amendments
(``Kamaelia.Device.DVB.NowNext``), and writes each wanted programme of
each channel through a ``remux.ServiceRemuxer`` (that service alone, PAT
rewritten) into a file of its own, with a ``.json`` of its EIT data.
Finished recordings go to a ``transcode.TranscodeQueue`` (ffmpeg, a few
at once); the guide and the list of recordings are served by ``web``.
Everything below the components is sans-I/O, in ``Kamaelia.Support.DVB``
and ``Kamaelia.Device.DVB``, so it is tested with bytes.

Modules
-------
* ``live`` -- LiveRecordings: a growing HLS playlist of each recording while it records
* ``main`` -- ``kamaelia record``: the command line (record, scan)
* ``recorder`` -- MultiplexRecorder and Recorder: a multiplex in, a file per programme out
* ``remux`` -- one service cut out of a multiplex: its PIDs alone, PAT rewritten, new files at random access points
* ``rules`` -- what to record: rules by title, channel and time window, from a TOML file
* ``scan`` -- what a source carries: services, their streams, now and next
* ``sources`` -- TransportStreamSource: transport stream from UDP/RTP multicast, HTTP, files or a DVB tuner, with stall detection and retries
* ``transcode`` -- TranscodeQueue: finished recordings to H.264/AAC MP4 (and HLS), a few at a time; LiveHLS while recording
* ``web`` -- the page of recordings and now/next, ``/epg.xml`` (XMLTV) and ``/status.json``
* ``xmltv`` -- the EIT collected into an EPG (now/next, pruning), written as XMLTV
"""
