"""Kamaelia.Util.MarshallComponent: Kamaelia 1.14's home of ``BasicMarshallComponent``.

Example Usage
-------------
Objects in on ``"marshall"``, text out of ``"marshalled"`` (and back)::

    import json
    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Kamaelia.Util.MarshallComponent import BasicMarshallComponent

    class JSON:
        marshall = staticmethod(json.dumps)
        demarshall = staticmethod(json.loads)

    class Show(component):
        Inboxes = {"inbox": "marshalled", "control": "", "back": "demarshalled"}
        Outboxes = {"outbox": "to marshall", "signal": "", "again": "to demarshall"}

        def main(self):
            self.send({"x": [1, 2]}, "outbox")
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            text = self.recv("inbox")
            print(text)
            self.send(text, "again")
            while not self.dataReady("back"):
                self.pause()
                yield 1
            print(self.recv("back"))
            self.send(producerFinished(self), "signal")

    codec, show = BasicMarshallComponent(JSON), Show()
    show.link((show, "outbox"), (codec, "marshall"))
    show.link((codec, "marshalled"), (show, "inbox"))
    show.link((show, "again"), (codec, "demarshall"))
    show.link((codec, "demarshalled"), (show, "back"))
    show.link((show, "signal"), (codec, "control"))
    codec.activate()
    show.run()                  # prints {"x": [1, 2]} then {'x': [1, 2]}

How does it work?
-----------------
``BasicMarshallComponent(klass)`` is
:class:`Kamaelia.Util.Marshalling.BasicMarshallComponent` (1.14 made it a
prefab: a Graphline of a Marshaller and a DeMarshaller with these same box
names; here it is one component). See :mod:`Kamaelia.Util.Marshalling`.
"""

from __future__ import annotations

from Kamaelia.Util.Marshalling import BasicMarshallComponent

__all__ = ["BasicMarshallComponent"]

__kamaelia_prefabs__ = (BasicMarshallComponent,)
