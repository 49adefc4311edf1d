"""The paper's studies, one command each (``scripts/{evaluate,sweep,benchmark,curriculum_plot}.py``).

Every study writes a CSV, a PNG and a short markdown report into ``logs/studies/<name>/<timestamp>/``
(or ``--out``); see :mod:`.outputs`.
"""
