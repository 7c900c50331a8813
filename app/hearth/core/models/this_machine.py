"""This computer for the fit check, from what the engine host last reported.

Only the engine host may load llama.cpp to learn about GPUs; a front end that must not block
on it uses the backend the last model load reported, and otherwise assumes the CPU (the
conservative guess: a speed estimate that is too low, never a "fits" that is wrong).
"""

from __future__ import annotations

from hearth.core.engine.types import LoadInfo
from hearth.core.hardware import memory
from hearth.core.models.fit import Machine


def machine_from_load(load: LoadInfo | None) -> Machine:
    if load is None or load.backend.upper() == "CPU":
        return Machine(memory(), gpu_offload=False, backends=("CPU",))
    return Machine(memory(), gpu_offload=True, backends=(load.backend,))
