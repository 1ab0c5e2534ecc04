"""Present: what a reader sees. Safe tables, report pieces, charts, HTML and PDF.

``tables`` (escaped HTML tables), ``report`` (the pieces notebooks show), ``charts`` and
``chartkit`` (the house charts), ``comparison`` (councils compared, at any scale),
``packtables`` and ``export`` (workbooks for Excel), ``htmlreport``, ``htmlnav`` and
``exporters`` (the nbconvert template and exporters), ``pdf`` and ``pdfcolumns``
(WeasyPrint). The house look lives in ``templates/``.

May import: ``reportlib.analysis``, ``reportlib.ingest``, ``reportlib.model``,
``reportlib.core``, ``reportlib.errors``.
"""
