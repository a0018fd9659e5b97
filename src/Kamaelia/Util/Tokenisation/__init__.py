"""Kamaelia.Util.Tokenisation: turn lines of text into lists of tokens, and back.

Modules
-------
* ``Simple`` -- ``lines_to_tokenlists`` and ``tokenlists_to_lines``, in
  Kamaelia 1.14's format
"""
