"""Deciding where a request is answered, and guarding what may leave the machine."""
