from tests.quantized_model import tiny_q4_model

__all__ = ["tiny_q4_model"]
