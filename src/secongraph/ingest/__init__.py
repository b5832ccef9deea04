"""Importers: spreadsheets and news pages become drafts with evidence, reviewed, then accepted.

``reconcile`` matches names to known entities; ``draft`` holds drafted facts with their evidence
and writes them for review; ``table`` reads spreadsheets; ``text`` reads press releases and news
pages, with its parts ``read`` (plain text, Markdown, HTML, with offsets into the file),
``sentences`` (sentences and languages), ``dates``, ``lexicon`` (the vocabularies' words) and
``names`` (known and new organisations and places); ``accept`` moves a reviewed draft into the
data folder.
"""
