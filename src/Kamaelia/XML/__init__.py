"""Kamaelia.XML: components for XML.

``SimpleXMLParser`` turns XML text into SAX events (start of document,
elements, text), using the standard library's expat parser.
"""
