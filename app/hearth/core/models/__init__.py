"""Model files: header checks, memory fit, and (later) the catalog, store and downloads."""
