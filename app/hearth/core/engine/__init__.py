"""Local inference, out of process: `EngineClient` here, llama.cpp only in the engine host."""
