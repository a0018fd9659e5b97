"""Kamaelia.UI.Tk: Tk windows (tkinter, from the standard library) as components.

Modules
-------
* ``TkWindow`` -- ``TkWindow`` (subclass it: build widgets in
  ``setupWindow()``) and ``tkInvisibleWindow`` (a hidden root window)

Import it from its module, as in Kamaelia 1.14.
"""
