"""Kamaelia.Support: code that components lean on but that is not a component.

Modules
-------
* ``Data`` -- data formats and small data structures (escaping, MIME
  dictionaries, rationals, bit-field records, the component repository,
  language codes)
* ``Protocol`` -- protocol helpers (HTTP and IRC message formatting and parsing)
* ``DVB`` -- MPEG-2 transport streams and DVB tables as plain functions (CRC, ...)
* ``Particles`` -- a small physics engine that lays out graphs (particles, force laws, spatial index)
* ``OscarUtil`` -- retired: it encoded AIM/OSCAR packets, and AOL shut AIM down
* ``OscarUtil2`` -- retired, as ``OscarUtil``

Importing a retired module raises ``ImportError`` saying why (see
``docs/compatibility.md``).
"""
