"""Kamaelia.Apps: applications built from Kamaelia components.

Each application is a package (or a module) here, started by a sub-command
of the ``kamaelia`` command.

Modules
-------
* ``Demo`` -- the ``kamaelia demo`` tour: a chat server and scripted clients on loopback, narrated and drawn live
* ``Grey`` -- ``kamaelia grey``: a greylisting SMTP proxy (and Postfix policy service)
* ``SA`` -- small utility components contributed by Stephen Anderson (ticks,
  a data sink, a time-to-live chassis)
* ``Show`` -- ``kamaelia show``: a presentation tool (a PDF or a folder of images)
* ``TVRecorder`` -- ``kamaelia record``: records TV channels (DVB, IPTV, HTTP, files), one
  file per programme, transcoded for the web; XMLTV guide
* ``Transcoder`` -- ``kamaelia transcode``: a watch-folder transcoder for images,
  video and PDF (one machine, or a Dask cluster)
* ``Whiteboard`` -- the collaborative whiteboard's building blocks (1.14's line
  protocol, tagging, routing, page sequencing)
"""
