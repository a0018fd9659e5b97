"""Kamaelia.Util: utility components: console I/O, data sources, transformers, ...

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(DataSource(["hello\\n", "world\\n"]),
             PureTransformer(str.upper),
             ConsoleEchoer()).run()

Modules
-------
Sources and sinks:

* ``Console`` -- ``ConsoleReader``, ``ConsoleEchoer``: standard input and output
* ``DataSource`` -- ``DataSource``, ``TriggeredSource``: send a ready-made list of messages
* ``OneShot`` -- ``OneShot``, ``TriggeredOneShot``: send one message, then finish
* ``Chargen`` -- an endless source of "Hello World" messages, for testing
* ``Clock`` -- ``CheapAndCheerfulClock``: a tick at a regular interval
* ``NullSink`` -- ``nullSinkComponent``: accept messages and discard them
* ``TestResult`` -- fail a test system on a false message; stop it on request

Transforming messages:

* ``PureTransformer`` -- apply a function to every message
* ``SequentialTransformer`` -- apply a chain of functions to every message
* ``ProcessPoolTransformer`` -- map a function over messages in a pool of worker processes
* ``DaskTransformer`` -- map a function over messages on a Dask distributed cluster
* ``Filter`` -- pass messages through a filter object that may change or drop them
* ``Stringify`` -- turn every message into a string
* ``Marshalling`` -- ``Marshaller``, ``DeMarshaller``: turn objects into data and back
* ``Detuple`` -- ``SimpleDetupler``: send one element of each tuple
* ``TagWithSequenceNumber`` -- number the messages 0, 1, 2, ...
* ``Max`` -- send the largest value of each collection that arrives
* ``Comparator`` -- compare messages from two inboxes, pair by pair

Shaping streams:

* ``LineSplit`` -- a stream of text chunks as one message per line
* ``Chunkifier`` -- cut a stream of text or bytes into chunks of a fixed size
* ``ChunkNamer`` -- give each chunk a numbered file name
* ``RateChunker`` -- re-chunk a stream so each chunk lasts 1/chunkrate seconds
* ``Collate`` -- gather messages into tuples of n
* ``Sync`` -- wait for n messages, then send one on
* ``FirstOnly`` -- pass on the first message, discard the rest
* ``UnseenOnly`` -- pass each distinct message on once; drop repeats
* ``RangeFilter`` -- pass on only the items whose number lies in given ranges
* ``PassThrough`` -- send on everything it receives, unchanged

Flow and timing:

* ``RateFilter`` -- pass messages on at a limited rate, or ask for data at one
* ``PromptedTurnstile`` -- hold items back and let one through per request
* ``LossyConnector`` -- pass messages on, dropping those the destination has no room for
* ``Chooser`` -- ``Chooser``, ``ForwardIteratingChooser``: step through items on command

One to many:

* ``Backplane`` -- ``Backplane``, ``PublishTo``, ``SubscribeTo``: named publish/subscribe hubs
* ``Splitter`` -- ``Splitter``, ``PlugSplitter``, ``Plug``: one stream to many destinations
* ``Fanout`` -- copy every message to several named outboxes
* ``TwoWaySplitter`` -- send every message, and every control message, two ways

Looking at a running system:

* ``Introspector`` -- report the live topology of a system as text

Text:

* ``Tokenisation`` -- turn lines of text into lists of tokens, and back

Kamaelia 1.14's old module names, kept so old imports work:

* ``ConsoleEcho`` -- old name for ``Console``
* ``FilterComponent`` -- old name for ``Filter``
* ``Graphline`` -- old name for ``Kamaelia.Chassis.Graphline``
* ``Pipeline`` -- old name for ``Kamaelia.Chassis.Pipeline``
* ``Topology`` -- the live topology page: a running system drawn in a web browser
* ``PipelineComponent`` -- older name for ``Kamaelia.Chassis.Pipeline``
* ``MarshallComponent`` -- old home of ``BasicMarshallComponent``
* ``NullSinkComponent`` -- old home of ``nullSinkComponent``
* ``TestResultComponent`` -- old name for ``TestResult``
* ``ToStringComponent`` -- old name for ``Stringify``

Import each component from its module, as in 1.14; importing this package
imports none of them.
"""
