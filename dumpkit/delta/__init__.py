"""`dumpkit delta`: the changes of a shop since its first migration, as a load package.

rules.py   what counts as a change, per entity and field (the one place)
compare.py two packages compared by source_id in DuckDB
build.py   the command: the newer dump migrated with the base's options, compared, written
report.py  DELTA/report.html, the review before anything is applied
"""
from .build import DeltaResult, make_delta

__all__ = ["DeltaResult", "make_delta"]
