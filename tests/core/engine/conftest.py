from tests.quantized_model import small_q4k_model, tiny_q4_model

__all__ = ["small_q4k_model", "tiny_q4_model"]
