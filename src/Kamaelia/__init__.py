"""Kamaelia: a library of components built on Axon, and the chassis that wire them.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader, ConsoleEchoer

    Pipeline(ConsoleReader(), ConsoleEchoer()).run()

Modules keep the import paths of Kamaelia 1.14 (``Kamaelia.Chassis.Pipeline``,
``Kamaelia.Util.Console``, ...). Importing ``Kamaelia`` itself imports
nothing else.

Packages
--------
* ``Chassis`` -- components that hold and wire others: Pipeline, Graphline, Carousel, ...
* ``Util`` -- utility components: console I/O, data sources, transformers, backplanes, ...
* ``File`` -- files, folders and programs as components
* ``Internet`` -- sockets as components: TCP, UDP, multicast
* ``Protocol`` -- what is said over a connection: framing, echo, IRC, RTP, SDP, ...
* ``Support`` -- code components lean on that is not a component (data formats, helpers)
* ``UI`` -- the desktop UI: pygame windows and widgets, Tk windows
* ``Visualisation`` -- live pictures of graphs and running systems: ``TopologyViewer``, the Axon visualiser
* ``Device`` -- devices and what comes off them: DVB transport streams, tuners, tables
* ``Experimental`` -- components 1.14 marked as experimental (services, an interpreter)
* ``Automata`` -- components that produce values by simple rules
* ``XML`` -- XML text as a stream of SAX events
* ``Apps`` -- applications built from the components (``kamaelia demo``, ...)
* ``Community`` -- the namespace 1.14 reserved for contributors (empty)

Modules
-------
* ``IPC`` -- the network components' messages (``newCSA``, ``shutdownCSA``, ...)
* ``BaseIPC`` -- a base class for messages with named, checked fields
* ``Exceptions`` -- the exceptions Kamaelia 1.14's components raise
* ``cli`` -- the ``kamaelia`` command
* ``SampleTemplateComponent`` -- the two shapes a component can take, as templates
* ``KamaeliaExceptions`` -- 1.14's older name for ``Kamaelia.Exceptions``
* ``KamaeliaIPC`` -- 1.14's old name for ``Kamaelia.IPC``
* ``ReadFileAdaptor`` -- 1.14's old name for ``Kamaelia.File.ReadFileAdaptor``
* ``SimpleServerComponent`` -- 1.14's old home of ``SimpleServer``
* ``SingleServer`` -- 1.14's old name for ``Kamaelia.Internet.SingleServer``
* ``vorbisDecodeComponent`` -- retired (importing it says why; see ``docs/compatibility.md``)

The example programs installed with the package are in ``Kamaelia/examples``
(not a package: they are programs); ``kamaelia examples`` lists them and
``kamaelia examples NAME`` runs one.
"""

__version__ = "2.0.0.dev0"
