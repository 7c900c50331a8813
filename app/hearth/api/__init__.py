"""The local OpenAI-compatible API: a third face of the same assistant (design.md).

`hearth serve` and the window's Tools ▸ Local API run it. Every request goes through
`Assistant.answer` with `source="api"`, so policy, air-gapped mode, redaction, the ledger and
the history hold for it exactly as for the window and the command line.
"""
