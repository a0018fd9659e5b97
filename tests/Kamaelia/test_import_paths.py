"""Every Kamaelia 1.14 import path we support resolves to the right kind of object.

Add a row to ``PATHS`` for each public name a module provides: the module,
the name, and what it must be (``COMPONENT``: a subclass of
``Axon.Component.component``; ``CLASS``: any class; ``FUNCTION``: a plain
function, for the few 1.14 names that were factories). Every row must
resolve: a missing module fails its row.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from Axon.Component import component

COMPONENT, CLASS, FUNCTION = "component", "class", "function"

PATHS: list[tuple[str, str, str]] = [
    # the core
    ("Axon.Component", "component", COMPONENT),
    ("Axon.ThreadedComponent", "threadedcomponent", COMPONENT),
    ("Axon.ThreadedComponent", "threadedadaptivecommscomponent", COMPONENT),
    ("Axon.AdaptiveCommsComponent", "AdaptiveCommsComponent", COMPONENT),
    ("Axon.Handle", "Handle", COMPONENT),
    ("Axon.Microprocess", "microprocess", CLASS),
    ("Axon.Scheduler", "scheduler", CLASS),
    ("Axon.Linkage", "linkage", CLASS),
    ("Axon.Postoffice", "postoffice", CLASS),
    ("Axon.CoordinatingAssistantTracker", "coordinatingassistanttracker", CLASS),
    ("Axon.background", "background", CLASS),
    ("Axon.STM", "Store", CLASS),
    ("Axon.experimental.Process", "ProcessPipeline", COMPONENT),
    ("Axon.experimental.Process", "ProcessGraphline", COMPONENT),
    ("Axon.experimental.Process", "ProcessWrapComponent", COMPONENT),
    # networking
    ("Kamaelia.BaseIPC", "IPC", CLASS),
    *[("Kamaelia.IPC", name, CLASS) for name in (
        "socketShutdown", "serverShutdown", "newCSA", "shutdownCSA", "newServer",
        "newReader", "newWriter", "newExceptional", "removeReader", "removeWriter",
        "removeExceptional")],
    ("Kamaelia.Internet.Selector", "Selector", COMPONENT),
    ("Kamaelia.Internet.TCPServer", "TCPServer", COMPONENT),
    ("Kamaelia.Internet.TCPClient", "TCPClient", COMPONENT),
    ("Kamaelia.Internet.ConnectedSocketAdapter", "ConnectedSocketAdapter", COMPONENT),
    ("Kamaelia.Internet.SingleServer", "SingleServer", COMPONENT),
    ("Kamaelia.Internet.TimeOutCSA", "TimeOutCSA", COMPONENT),
    ("Kamaelia.Chassis.ConnectedServer", "ServerCore", COMPONENT),
    ("Kamaelia.Chassis.ConnectedServer", "SimpleServer", COMPONENT),
    ("Kamaelia.Chassis.ConnectedServer", "FastRestartServer", COMPONENT),
    *[("Kamaelia.Internet.UDP", name, COMPONENT)
      for name in ("SimplePeer", "TargettedPeer", "PostboxPeer")],
    *[("Kamaelia.Internet.UDP_ng", name, COMPONENT)
      for name in ("UDPSender", "UDPReceiver", "SimplePeer", "TargettedPeer", "PostboxPeer")],
    ("Kamaelia.Internet.Multicast_sender", "Multicast_sender", COMPONENT),
    ("Kamaelia.Internet.Multicast_receiver", "Multicast_receiver", COMPONENT),
    ("Kamaelia.Internet.Multicast_transceiver", "Multicast_transceiver", COMPONENT),
    # protocols
    *[("Kamaelia.Protocol.Framing", name, COMPONENT)
      for name in ("Framer", "DeFramer", "DataChunker", "DataDeChunker")],
    *[("Kamaelia.Protocol.Framing", name, CLASS)
      for name in ("SimpleFrame", "CorruptFrame", "ShortFrame", "IncompleteChunk")],
    ("Kamaelia.Protocol.EchoProtocol", "EchoProtocol", COMPONENT),
    ("Kamaelia.Protocol.FortuneCookieProtocol", "FortuneCookieProtocol", COMPONENT),
    ("Kamaelia.Protocol.Packetise", "MaxSizePacketiser", COMPONENT),
    # files and programs
    ("Kamaelia.File.Reading", "PromptedFileReader", COMPONENT),
    ("Kamaelia.File.Reading", "RateControlledFileReader", FUNCTION),
    ("Kamaelia.File.Writing", "SimpleFileWriter", COMPONENT),
    ("Kamaelia.File.UnixProcess", "UnixProcess", COMPONENT),
    ("Kamaelia.File.UnixProcess2", "UnixProcess2", COMPONENT),
    ("Kamaelia.File.ReadFileAdaptor", "ReadFileAdaptor", COMPONENT),
    # chassis
    ("Kamaelia.Chassis.Pipeline", "Pipeline", COMPONENT),
    ("Kamaelia.Chassis.Pipeline", "pipeline", COMPONENT),
    ("Kamaelia.Chassis.Graphline", "Graphline", COMPONENT),
    ("Kamaelia.Chassis.Carousel", "Carousel", COMPONENT),
    ("Kamaelia.Chassis.Seq", "Seq", COMPONENT),
    ("Kamaelia.Chassis.PAR", "PAR", COMPONENT),
    ("Kamaelia.Chassis.Prefab", "JoinChooserToCarousel", FUNCTION),
    # sources, sinks and transformers
    ("Kamaelia.Util.Console", "ConsoleReader", COMPONENT),
    ("Kamaelia.Util.Console", "ConsoleEchoer", COMPONENT),
    ("Kamaelia.Util.DataSource", "DataSource", COMPONENT),
    ("Kamaelia.Util.DataSource", "TriggeredSource", COMPONENT),
    ("Kamaelia.Util.PureTransformer", "PureTransformer", COMPONENT),
    ("Kamaelia.Util.Filter", "Filter", COMPONENT),
    ("Kamaelia.Util.Filter", "NullFilter", CLASS),
    ("Kamaelia.Util.Detuple", "SimpleDetupler", COMPONENT),
    ("Kamaelia.Util.OneShot", "OneShot", COMPONENT),
    ("Kamaelia.Util.OneShot", "TriggeredOneShot", COMPONENT),
    ("Kamaelia.Util.PassThrough", "PassThrough", COMPONENT),
    ("Kamaelia.Util.NullSink", "nullSinkComponent", COMPONENT),
    ("Kamaelia.Util.Collate", "Collate", COMPONENT),
    ("Kamaelia.Util.Comparator", "Comparator", COMPONENT),
    ("Kamaelia.Util.Chooser", "Chooser", COMPONENT),
    ("Kamaelia.Util.Chooser", "ForwardIteratingChooser", COMPONENT),
    ("Kamaelia.Util.Marshalling", "Marshaller", COMPONENT),
    ("Kamaelia.Util.Marshalling", "DeMarshaller", COMPONENT),
    ("Kamaelia.Util.Marshalling", "BasicMarshallComponent", COMPONENT),
    ("Kamaelia.Util.Introspector", "Introspector", COMPONENT),
    # splitting and publish/subscribe
    ("Kamaelia.Util.Splitter", "Splitter", COMPONENT),
    ("Kamaelia.Util.Splitter", "PlugSplitter", COMPONENT),
    ("Kamaelia.Util.Splitter", "Plug", COMPONENT),
    ("Kamaelia.Util.Splitter", "addsink", CLASS),
    ("Kamaelia.Util.Splitter", "removesink", CLASS),
    ("Kamaelia.Util.Fanout", "Fanout", COMPONENT),
    ("Kamaelia.Util.TwoWaySplitter", "TwoWaySplitter", COMPONENT),
    ("Kamaelia.Util.Backplane", "Backplane", COMPONENT),
    ("Kamaelia.Util.Backplane", "PublishTo", COMPONENT),
    ("Kamaelia.Util.Backplane", "SubscribeTo", COMPONENT),
    ("Kamaelia.Util.Backplane", "publishTo", COMPONENT),
    ("Kamaelia.Util.Backplane", "subscribeTo", COMPONENT),
    # rates, timing and stream shaping
    ("Kamaelia.Util.RateFilter", "MessageRateLimit", COMPONENT),
    ("Kamaelia.Util.RateFilter", "ByteRate_RequestControl", COMPONENT),
    ("Kamaelia.Util.RateFilter", "VariableByteRate_RequestControl", COMPONENT),
    ("Kamaelia.Util.RateFilter", "OnDemandLimit", COMPONENT),
    ("Kamaelia.Util.Clock", "CheapAndCheerfulClock", COMPONENT),
    ("Kamaelia.Util.Sync", "Sync", COMPONENT),
    ("Kamaelia.Util.UnseenOnly", "UnseenOnly", COMPONENT),
    ("Kamaelia.Util.Stringify", "Stringify", COMPONENT),
    ("Kamaelia.Util.LossyConnector", "LossyConnector", COMPONENT),
    ("Kamaelia.Util.SequentialTransformer", "SequentialTransformer", COMPONENT),
    ("Kamaelia.Util.Chunkifier", "Chunkifier", COMPONENT),
    ("Kamaelia.Util.ChunkNamer", "ChunkNamer", COMPONENT),
    ("Kamaelia.Util.LineSplit", "LineSplit", COMPONENT),
    ("Kamaelia.Util.Tokenisation.Simple", "lines_to_tokenlists", COMPONENT),
    ("Kamaelia.Util.Tokenisation.Simple", "tokenlists_to_lines", COMPONENT),
    ("Kamaelia.Util.RangeFilter", "RangeFilter", COMPONENT),
    ("Kamaelia.Util.Max", "Max", COMPONENT),
    ("Kamaelia.Util.FirstOnly", "FirstOnly", COMPONENT),
    ("Kamaelia.Util.TagWithSequenceNumber", "TagWithSequenceNumber", COMPONENT),
    ("Kamaelia.Util.PromptedTurnstile", "PromptedTurnstile", COMPONENT),
    ("Kamaelia.Util.RateChunker", "RateChunker", COMPONENT),
    ("Kamaelia.Util.Chargen", "Chargen", COMPONENT),
    ("Kamaelia.Util.TestResult", "TestResult", COMPONENT),
    ("Kamaelia.Util.TestResult", "StopSystem", CLASS),
    ("Kamaelia.Util.TestResult", "StopSystemException", CLASS),
]


@pytest.mark.parametrize("module,name,kind", PATHS, ids=[f"{m}.{n}" for m, n, _ in PATHS])
def test_the_1_14_import_path_resolves(module: str, name: str, kind: str) -> None:
    found = getattr(importlib.import_module(module), name, None)
    assert found is not None, f"{module} has no {name!r}"
    if kind == FUNCTION:
        assert inspect.isfunction(found), f"{module}.{name} is {found!r}, not a function"
        return
    assert inspect.isclass(found), f"{module}.{name} is {found!r}, not a class"
    if kind == COMPONENT:
        assert issubclass(found, component), f"{module}.{name} is not a component class"


def test_every_row_is_listed_once() -> None:
    assert len({(m, n) for m, n, _ in PATHS}) == len(PATHS)
