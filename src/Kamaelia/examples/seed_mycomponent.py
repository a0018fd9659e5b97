"""The second seed example: a hand-written component inside a Pipeline.

    printf 'hello\\nworld\\n' | python examples/seed_mycomponent.py

prints ``hello`` and ``world``. ``MyComponent`` is the component from the
Kamaelia home page, as printed there (with the ``self.pause()`` line the
scraped page lost): it echoes what arrives on "inbox" and stops on
``producerFinished`` or ``shutdownMicroprocess`` arriving on "control".
"""
from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess, producerFinished

class MyComponent(component):    
    Inboxes = {"inbox"        : "some data in",
               "control"      : "stops the component"}
    Outboxes = {"outbox"      : "some data out",
                "signal"      : "Shutdown signal"}

    def __init__(self, **argd):
        super(MyComponent, self).__init__(**argd)

    def main(self):
        while not self.doShutdown():
            if self.dataReady("inbox"):
                data = self.recv("inbox")
                # let's echo what we received...
                self.send(data, 'outbox')

            if not self.anyReady():
                self.pause()

            yield 1

    def doShutdown(self):
        if self.dataReady("control"):
            mes = self.recv("control")
            if isinstance(mes, shutdownMicroprocess) or isinstance(mes, producerFinished):
                self.send(producerFinished(), "signal")
                return True
        return False

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleReader, ConsoleEchoer

Pipeline(
    ConsoleReader(),
    MyComponent(),
    ConsoleEchoer(),
).run()
