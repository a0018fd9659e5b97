"""Kamaelia.Support.Data: data formats and small data structures.

Modules
-------
The modules keep Kamaelia 1.14's names:

* ``Escape`` -- percent-escaping of chosen characters, for text protocols
* ``MimeDict`` -- a dictionary of MIME-style header fields, in order, with a body
* ``MimeObject`` -- a MIME-style header and body, handled as one thing
* ``requestLine`` -- the parts of a URI request line (an HTTP proxy request, say)
* ``bitfieldrec`` -- records of bit fields, packed most significant bit first (used by RTP)
* ``Rationals`` -- floats to (numerator, denominator) pairs, and back into range
* ``ISO639_2`` -- ISO 639-2 language codes: three-letter codes to names and back
* ``Repository`` -- finding the components and prefabs of an installation, by reading its source
* ``Experimental`` -- reading "slides" out of an XML file, one on demand
* ``tests`` -- retired: 1.14's own unit tests, which are not library code
"""
