"""Kamaelia.Support.Data: data formats and small data structures.

Modules (1.14's names): ``Escape`` (escaping for text protocols),
``MimeDict`` and ``MimeObject`` (header dictionaries), ``requestLine``
(HTTP-style request lines), ``bitfieldrec`` (bit-field records, used by RTP),
``Rationals``, ``ISO639_2`` (language codes), ``Repository`` (finding the
components in the installed library) and ``Experimental``.
"""
