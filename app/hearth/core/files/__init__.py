"""Small file utilities every store shares: atomic writes and cross-process locks."""
