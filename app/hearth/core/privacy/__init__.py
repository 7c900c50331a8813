"""Privacy: what may leave the machine (the network guard) and how it is disguised (redaction)."""
