"""Kamaelia.Support: code that components lean on but that is not a component.

Subpackages:

* ``Kamaelia.Support.Data``: data formats and small data structures
  (escaping, MIME dictionaries, rationals, bit-field records, the component
  repository, language codes);
* ``Kamaelia.Support.Protocol``: protocol helpers (HTTP and IRC message
  formatting and parsing).

``Kamaelia.Support.OscarUtil`` and ``OscarUtil2`` (AIM) are retired; see
``docs/compatibility.md``.
"""
