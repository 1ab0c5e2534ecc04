"""Analysis: what the tables say, as pure functions of them.

``status`` reads an update's text as a status (``words`` for a council's own status
words, ``decisions`` for the ones an analyst settled, ``status_check`` to measure the
rules), ``progress`` gives status, timeliness and RAG at a date, ``compare`` what
changed and how councils and years compare, ``snapshot`` the plans as a report at a
date must see them; ``plans`` loads and classifies in one call.

May import: ``reportlib.ingest``, ``reportlib.model``, ``reportlib.core``, ``reportlib.errors``.
"""
