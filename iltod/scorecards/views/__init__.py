"""Score card pages: ``public`` (reports, comparison, panels), ``staff`` (lists, sheets,
field forms) and ``cycle`` (the cycle page, one stage at a time, and one view per change)."""
