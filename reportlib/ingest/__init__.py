"""Ingest: a council's files, read through its layout, as canonical tables.

``files`` finds the plan files and opens each by its kind: spreadsheets (``sources``),
committee papers (``papers``, with ``docx_source`` and ``pdf_source`` giving ``parts``).
``layouts`` maps a sheet's headings onto the canonical columns; ``rows`` turns its rows
into actions and updates, reading targets with ``dates`` and snapshot headings with
``snapdates``; ``versions`` makes one history of a plan's quarterly files; ``load``
puts it together, with every problem a located finding.

May import: ``reportlib.model``, ``reportlib.core``, ``reportlib.errors``.
"""
