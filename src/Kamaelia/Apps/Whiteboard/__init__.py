"""Kamaelia Whiteboard: the collaborative whiteboard's building blocks.

Example Usage
-------------
The whiteboard's line protocol, which a Kamaelia 1.14 whiteboard speaks
too::

    from Kamaelia.Apps.Whiteboard.Tokenisation import decodeLine, encodeTokens

    line = encodeTokens([["LINE", "255", "0", "0", "10", "20", "30", "40"]])
    assert line == b"[ LINE 255 0 0 10 20 30 40 ] \\n"
    assert decodeLine(line) == [["LINE", "255", "0", "0", "10", "20", "30", "40"]]

Every instance is a hub: each connection's events go into a backplane
tagged with the connection's id, and come out to every other connection
(``TagFiltering``); incoming lines are routed by kind (``Routers``) and page
navigation becomes canvas load/save commands (``CheckpointSequencer``).

How does it work?
-----------------
The modules keep Kamaelia 1.14's module, class and box names and its wire
format, so that a 1.14 peer can join. The messages between the parts are
lists of commands, each a list of string tokens: ``[["CLEAR"]]``,
``[["LINE", r, g, b, x0, y0, x1, y1]]``, ``[["CIRCLE", r, g, b, x, y,
radius]]``, ``[["WRITE", x, y, size, r, g, b, text]]``, ``[["GETIMG"]]``,
``[["SETIMG", data, width, height, "RGB"]]``, ``[["LOAD", file]]``,
``[["SAVE", file]]``, ``[["NEW"]]``, ``[["prev"]]``, ``[["next"]]``.
Where these modules differ from 1.14 (mostly where 1.14 crashed, hung or
lost data), each module's docstring says so.

``kamaelia whiteboard`` (``main``) runs one instance (``Hub``): its board
(``Board``, kept by ``Keeper``), the desktop window (``Desktop``), and as
asked a server for peers and one for browsers (``Network``, ``WebClient``)
and a client of another instance. See ``docs/apps/whiteboard.md``.

Modules
-------
* ``Tokenisation`` -- lists of tokens to lines of bytes and back, 1.14's escaping byte for byte
* ``Entuple`` -- wrap each message in a tuple between fixed items
* ``TagFiltering`` -- tag messages with a unique id and filter out one's own echoes
* ``SingleShot`` -- 1.14's whiteboard OneShot: send one message, then finish
* ``TwoWaySplitter`` -- send every message and control message two ways
* ``Routers`` -- Router (outboxes chosen by rules) and ConditionalSplitter
* ``Router`` -- 1.14's other name for the Routers module
* ``CheckpointSequencer`` -- the page counter: navigation commands to load/save messages
* ``Commands`` -- what each command means; peers' commands checked before anything draws them
* ``Board`` -- the deck of pages of pixels: drawing, page turns, undo, snapshots
* ``Deck`` -- decks on disk (a zip of slide.N.png, 1.14's layout) and export to PDF
* ``Keeper`` -- BoardKeeper, the component every change to a board goes through
* ``Network`` -- connections to peers and browsers: checking, tagging, serving, joining
* ``Hub`` -- WhiteboardHub, one instance: backplane, board, servers and client
* ``WebClient`` -- the browser client: one self-contained page and where it connects
* ``Desktop`` -- the desktop window: toolbar, board, pen, eraser, text, pages and decks
* ``Toolbar`` -- the desktop toolbar's layout, its buttons and ToolButton
* ``Palette`` -- 1.14's pen colours and buildPalette, a row of colour buttons
* ``UI`` -- 1.14's whiteboard buttons: paging controls, eraser, clear, decks, quit
* ``Recording`` -- record a session to a file and replay it at its pace (1.14's Recorder/Player)
* ``main`` -- ``kamaelia whiteboard``: serve, join, relay, record, replay, export
"""
