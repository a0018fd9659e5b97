"""Kamaelia.Protocol.HTTP.Handlers: request handlers for the HTTP server.

A request handler is a component made for one request: the server's
``createRequestHandler`` (see
:mod:`Kamaelia.Protocol.HTTP.HTTPResourceGlue`) calls a factory with the
request dictionary, and the component it returns sends the response
dictionaries. These are ready-made ones.

Example Usage
-------------
Serve the files of the folder ``site`` under ``/``::

    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory

    routes = [("/", MinimalFactory(homedirectory="site"))]

Modules
-------
* ``Minimal`` -- ``Minimal`` and ``MinimalFactory``: the files of one folder, with
  conditional GET, byte ranges and streaming; nothing outside the folder is served
* ``SessionExample`` -- ``SessionExampleWrapper``: a page that counts its visits,
  one count per session name (the rest of the URL)
* ``UploadTorrents`` -- retired: part of the retired BitTorrent support, and
  never working in 1.14
"""
