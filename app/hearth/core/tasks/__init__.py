"""The task catalog: what Hearth can do with a text, each task in a module of its own."""
