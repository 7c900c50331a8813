"""The ledger: a SQLite record of every request, where it was answered, and what it cost."""
