"""The review report: one self-contained HTML file a shop owner and a migration
engineer open in a browser. Rendered from the load package alone, so
`dumpkit report OUT/` can redo it any time."""
from .render import render_report, write_report

__all__ = ["render_report", "write_report"]
