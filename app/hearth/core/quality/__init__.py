"""What an answer cannot vouch for: facts it added, values not in the text, echoed instructions,
a proofread that rewrote. `assess.assess` is the one entry point; the modules beside it
each hold one check.
"""
