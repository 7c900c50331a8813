"""Known OpenAI-compatible providers and servers: base URLs as data.

Hosted providers need a key. The self-hosted servers (how a team outgrows one laptop) listen on
their documented default ports on this machine; point `--base-url` at the team's host instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from hearth.core.errors import UsageError


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    base_url: str
    hosted: bool  # a provider on the internet (needs a key) or a server the user runs
    example_model: str
    # Ask for token usage in streamed answers (`stream_options.include_usage`). Only for servers
    # known to accept it: some reject unknown request fields outright.
    stream_usage: bool = False
    # How the server takes a JSON Schema the answer must follow (`response_format`), for the
    # servers known to enforce one: "json_schema" (OpenAI's shape) or "json_object_schema"
    # (llama.cpp's, also llama-cpp-python's). None: the schema is only in the prompt, and the
    # answer is checked after it arrives.
    structured_output: str | None = None

    @property
    def needs_key(self) -> bool:
        return self.hosted


PRESETS: tuple[Preset, ...] = (
    Preset(
        "openai",
        "OpenAI",
        "https://api.openai.com/v1",
        True,
        "gpt-4o-mini",
        True,
        structured_output="json_schema",
    ),
    Preset(
        "openrouter", "OpenRouter", "https://openrouter.ai/api/v1", True, "openai/gpt-4o-mini", True
    ),
    Preset("groq", "Groq", "https://api.groq.com/openai/v1", True, "llama-3.1-8b-instant", True),
    Preset("mistral", "Mistral", "https://api.mistral.ai/v1", True, "mistral-small-latest"),
    Preset(
        "together",
        "Together",
        "https://api.together.xyz/v1",
        True,
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        True,
    ),
    Preset(
        "vllm",
        "vLLM server",
        "http://localhost:8000/v1",
        False,
        "the model the server loaded",
        True,
        structured_output="json_schema",
    ),
    Preset("tgi", "Text Generation Inference", "http://localhost:8080/v1", False, "tgi"),
    Preset("ollama", "Ollama", "http://localhost:11434/v1", False, "llama3.2"),
    Preset(
        "lmstudio",
        "LM Studio",
        "http://localhost:1234/v1",
        False,
        "the model loaded in LM Studio",
        structured_output="json_schema",
    ),
    Preset(
        "llamacpp",
        "llama.cpp server",
        "http://localhost:8080/v1",
        False,
        "any name",
        structured_output="json_object_schema",
    ),
)


def preset_names() -> tuple[str, ...]:
    return tuple(p.name for p in PRESETS)


def find_preset(name: str) -> Preset | None:
    for preset in PRESETS:
        if preset.name == name:
            return preset
    return None


def preset_named(name: str) -> Preset:
    preset = find_preset(name)
    if preset is None:
        raise UsageError(
            f"No provider preset '{name}'; choose one of: {', '.join(preset_names())}."
        )
    return preset
