"""The one entry point the Assistant calls on a local answer before the router decides:
`assess` finds what the answer cannot vouch for, `penalised` lowers its confidence for it.

Each kind of flag multiplies the confidence once by its factor, so a flagged answer falls
below auto mode's default threshold (0.7) whatever its tokens' probabilities were, and `--cloud
auto` escalates it; an echo that was cleaned off costs less, since what is left is usually a
fine answer. A flagged answer whose task gave no confidence gets the product of its factors:
a flag is a signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hearth.core.answer import Flags
from hearth.core.quality.echo import strip_echo
from hearth.core.quality.facts import added_facts
from hearth.core.quality.grounding import ungrounded
from hearth.core.quality.rewriting import rewrote
from hearth.core.tasks import rewrite as rewrite_task
from hearth.core.tasks import summarize as summarize_task

FACTORS = {
    "added_facts": 0.5,
    "ungrounded": 0.5,
    "rewrote": 0.5,
    "echo_removed": 0.85,
}


def assess(
    task: str,
    text: str,
    options: Mapping[str, Any],
    output: Any,
    *,
    echo_removed: str | None = None,
) -> Flags:
    """Flags for `output`, the answer of `task` to `text` with `options`.

    `echo_removed`: what the task already cleaned off the answer (its details say); an echo
    still at the start of `output` (e.g. a cloud answer) is found here too.
    """
    if task == "extract":
        return Flags(ungrounded=tuple(ungrounded(text, output)))
    if task not in ("summarize", "rewrite") or not isinstance(output, str):
        return Flags()
    instructions = task_instructions(task, options)
    # What the user wrote is the source too: an instruction or follow-up may bring a fact.
    previous = options.get("previous")
    source = "\n".join(
        str(part) for part in (text, previous, options.get("follow_up"), *instructions) if part
    )
    echo = strip_echo(output, source=str(previous or text), instructions=instructions)
    style = options.get("style") or ("custom" if options.get("instruction") else "proofread")
    return Flags(
        added_facts=tuple(added_facts(source, echo.text)),
        echo_removed=echo_removed or echo.removed,
        rewrote=(
            task == "rewrite"
            and style == "proofread"
            and previous is None
            and rewrote(text, echo.text)
        ),
    )


def penalised(confidence: float | None, flags: Flags) -> float | None:
    """`confidence` lowered once for each kind of flag (module docstring)."""
    if not flags.any:
        return confidence
    factor = 1.0
    if flags.added_facts:
        factor *= FACTORS["added_facts"]
    if flags.ungrounded:
        factor *= FACTORS["ungrounded"]
    if flags.rewrote:
        factor *= FACTORS["rewrote"]
    if flags.echo_removed:
        factor *= FACTORS["echo_removed"]
    return factor if confidence is None else confidence * factor


def task_instructions(task: str, options: Mapping[str, Any]) -> tuple[str, ...]:
    """What the task tells the model, which an echoing answer repeats."""
    if task == "summarize":
        style = str(options.get("style") or "summary")
        return (
            summarize_task.STYLES.get(style, ""),
            *_sentences(summarize_task.SYSTEM),
        )
    if task == "rewrite":
        parts = [str(options.get("instruction") or ""), str(options.get("follow_up") or "")]
        style = str(options.get("style") or "proofread")
        parts.append(rewrite_task.STYLES.get(style, ""))
        return tuple(p for p in (*parts, *_sentences(rewrite_task.SYSTEM)) if p)
    return ()


def _sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.split(". ") if s.strip()]
