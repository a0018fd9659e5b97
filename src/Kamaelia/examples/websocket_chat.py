"""A chat page: every browser's messages reach every browser, through a Backplane.

    python examples/websocket_chat.py          # the demonstration below
    python examples/websocket_chat.py 8080     # serve until Ctrl-C; open
                                               # http://127.0.0.1:8080/ in two tabs

prints::

    bob hears: bob: anyone here?
    alice hears: alice: hi bob
    bob hears: alice: hi bob

One port serves both the chat page (``WebSocketServer``'s ``page`` option
answers a plain ``GET /``) and its WebSocket (the page's script connects to
the same address). Each WebSocket gets a small ``Graphline``: the messages
from its browser go to ``PublishTo("wschat")``, and everything published on
the ``Backplane("wschat")`` comes back out to the browser from
``SubscribeTo("wschat")``. The connections never refer to one another: the
backplane's name joins them. When a browser leaves, its Graphline is sent
``shutdownMicroprocess``, which reaches both children, so it ends.

The demonstration plays two browsers with the ``websockets`` library's
client while the server runs in a thread. Bob speaks first and waits to hear
his own line come back, which proves his subscription is live; only then
does Alice connect and speak, so Bob is sure to hear her too.
"""

import sys
import threading

from websockets.sync.client import connect

from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.IPC import serverShutdown
from Kamaelia.Protocol.WebSocket import WebSocketServer
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("bob hears: bob: anyone here?\n"
                  "alice hears: alice: hi bob\n"
                  "bob hears: alice: hi bob\n")

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Kamaelia chat</title>
<style>
body { font-family: sans-serif; max-width: 40em; margin: 2em auto; }
#log { border: 1px solid #ccc; height: 20em; overflow-y: auto; padding: .5em; }
#log p { margin: .2em 0; }
</style></head>
<body>
<h1>Kamaelia chat</h1>
<div id="log"></div>
<form id="say">
  <input id="name" placeholder="your name" size="10">
  <input id="text" placeholder="say something" size="40" autofocus>
  <button>Send</button>
</form>
<script>
const log = document.getElementById("log");
const socket = new WebSocket("ws://" + location.host + "/");
function show(text) {
  const line = document.createElement("p");
  line.textContent = text;
  log.appendChild(line);
  log.scrollTop = log.scrollHeight;
}
socket.onopen = () => show("(connected)");
socket.onclose = () => show("(disconnected)");
socket.onmessage = (event) => show(event.data);
document.getElementById("say").onsubmit = (event) => {
  event.preventDefault();
  const name = document.getElementById("name").value || "anonymous";
  const text = document.getElementById("text");
  if (text.value) { socket.send(name + ": " + text.value); text.value = ""; }
};
</script>
</body></html>
"""


def chatter() -> Graphline:
    """The component behind one WebSocket: its messages to the chat, the chat to it."""
    return Graphline(
        PUBLISH=PublishTo("wschat"),
        HEAR=SubscribeTo("wschat"),
        linkages={("self", "inbox"): ("PUBLISH", "inbox"),
                  ("HEAR", "outbox"): ("self", "outbox")})


def chatServer(port: int, host: str = "127.0.0.1") -> tuple[WebSocketServer, Backplane]:
    return WebSocketServer(chatter, port=port, host=host, page=PAGE), Backplane("wschat")


def demonstrate() -> None:
    server, backplane = chatServer(0)
    server.activate()
    backplane.activate()
    running = threading.Thread(target=scheduler.run.runThreads)
    running.start()
    address = f"ws://127.0.0.1:{server.port}/"
    try:
        with connect(address) as bob:
            bob.send("bob: anyone here?")
            print("bob hears:", bob.recv(timeout=10))
            with connect(address) as alice:
                alice.send("alice: hi bob")
                print("alice hears:", alice.recv(timeout=10))
                print("bob hears:", bob.recv(timeout=10))
    finally:
        server._deliver(serverShutdown(), "control")          # thread-safe delivery
        backplane._deliver(producerFinished(), "control")
        running.join()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        server, backplane = chatServer(int(sys.argv[1]))
        print(f"chat on http://127.0.0.1:{server.port}/", flush=True)
        backplane.activate()
        server.run()
    else:
        demonstrate()
