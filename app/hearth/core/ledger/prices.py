"""Estimated cloud prices: USD per million input and output tokens, per model.

The built-in table holds providers' published list prices for a few common models, as they
stood when this table was last revised; they change, so every figure computed from them is an
estimate, and the settings (`cloud_prices`) add models and override these. A model with no
price gets no cost estimate rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hearth.core.settings import Settings

PER = 1_000_000


@dataclass(frozen=True)
class Price:
    input_usd: float  # per million input (prompt) tokens
    output_usd: float  # per million output (completion) tokens

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return (tokens_in * self.input_usd + tokens_out * self.output_usd) / PER


BUILTIN_PRICES: Mapping[str, Price] = {
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "llama-3.1-8b-instant": Price(0.05, 0.08),
    "llama-3.3-70b-versatile": Price(0.59, 0.79),
}


class PriceTable:
    def __init__(self, prices: Mapping[str, Price]) -> None:
        self._prices = {name.lower(): price for name, price in prices.items()}

    @classmethod
    def from_settings(cls, settings: Settings) -> PriceTable:
        table = dict(BUILTIN_PRICES)
        for model, price in settings.cloud_prices.items():
            table[model] = Price(price["input"], price["output"])
        return cls(table)

    def price_for(self, model: str | None) -> Price | None:
        """The price of `model`; routers' names ("openai/gpt-4o-mini") fall back to the model
        part after the provider prefix."""
        if not model:
            return None
        name = model.lower()
        return self._prices.get(name) or self._prices.get(name.rsplit("/", 1)[-1])

    def cost(self, model: str | None, tokens_in: int, tokens_out: int) -> float | None:
        price = self.price_for(model)
        return None if price is None else price.cost(tokens_in, tokens_out)
