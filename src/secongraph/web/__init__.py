"""The browser face of the SECON graph: ``secongraph serve`` (a read-only web application on the
built store) and, from the same pages, ``secongraph publish`` (a static site).

Each part of the site is a module that gives its routes (:func:`routes`) from a :class:`Site`:
the home page here in :mod:`.app`; the pages share the templates and the security headers of
:mod:`.pages`.
"""
