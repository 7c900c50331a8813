"""Talking to a large model elsewhere: any OpenAI-compatible chat-completions endpoint."""
