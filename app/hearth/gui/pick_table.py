"""A read-only table the user picks one row of (the model manager, its catalog and found
panels, the history): the same selection rules and column sizing everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def set_up_pick_table(
    table: QTableWidget, *, stretch: Sequence[int], fit: Sequence[int] = ()
) -> None:
    """Whole rows selected, one at a time, no editing and no row numbers; the `stretch`
    columns share the spare width, the `fit` ones are as wide as their contents."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    for column in fit:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


__all__ = ["set_up_pick_table"]
