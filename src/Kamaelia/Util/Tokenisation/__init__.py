"""Tokenisers: turn lines of text into lists of tokens, and back.

``Kamaelia.Util.Tokenisation.Simple`` holds ``lines_to_tokenlists`` and
``tokenlists_to_lines``.
"""
