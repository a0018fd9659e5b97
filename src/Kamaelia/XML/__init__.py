"""Kamaelia.XML: components for XML.

Modules
-------
* ``SimpleXMLParser`` -- XML text in, SAX events (start of document,
  elements, text) out, using the standard library's expat parser
"""
