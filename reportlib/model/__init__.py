"""Model: the canonical tables and the vocabularies every stage speaks.

``plans`` holds the ``Plans`` container and the columns of ``actions`` and ``updates``;
``vocab`` the statuses and their words, timeliness, RAG, the committee's date style and
the kinds of plan file; ``kloe`` the Audit Commission's Use of Resources framework.

May import: ``reportlib.core``, ``reportlib.errors``.
"""
