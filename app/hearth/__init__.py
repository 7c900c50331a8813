"""Hearth: private text work with a small local language model."""
