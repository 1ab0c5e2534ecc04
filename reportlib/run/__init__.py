"""Run: committee packs rendered unattended, locally or on Dask, and verified.

``packs`` reads a pack file; ``prepare`` checks it against its data and takes the run
snapshot; ``render`` runs each notebook (``execute``, with kernels forked by
``forkkernel``), converts it (``reportlib.present``) and publishes the pack
(``staging``, ``publish``) with its ``manifest``; ``task`` is one pack's render as a
task an engine runs (``cluster`` for Dask), each stage bounded in time (``bounded``);
``fingerprint`` says whether a pack needs rendering again, ``determinism`` keeps the
bytes the same, ``index`` lists the packs, ``runlog`` keeps the log short and
``verify`` checks a published pack against a new render.

The only stage that starts processes, takes locks or writes outside a temporary folder.
May import every other stage.
"""
