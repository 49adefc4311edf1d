"""The command-line entry points (``scripts/train.py``, ``play.py``, ``warmup.py``) and the flags they share."""
