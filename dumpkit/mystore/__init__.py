"""Mystore's REST API v2: what dumpkit assumes about it (api.py, the one marked module), a
local simulator of it (simulator.py) and a read-only check against a real shop
(mystore_check.py)."""
