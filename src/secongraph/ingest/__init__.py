"""Importers: spreadsheets and news pages become drafts with evidence, reviewed, then accepted.

``reconcile`` matches names to known entities; ``draft`` holds drafted facts with their evidence
and writes them for review; ``table`` reads spreadsheets, ``text`` reads press releases and news
pages; ``accept`` moves a reviewed draft into the data folder.
"""
