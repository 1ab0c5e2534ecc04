"""Core: small tools every stage uses and that know nothing of action plans.

Reading hand-written YAML with limits (``safeyaml``), writing a file so that a reader
sees the old bytes or the new ones (``files``), the installed version (``version``) and
where a notebook's relative data paths point (``paths``).

May import: ``reportlib.errors`` and other libraries. Nothing else of reportlib.
"""
