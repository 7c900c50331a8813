"""Getting models from a Hugging Face-style hub: the client, its traffic, resumable downloads."""
