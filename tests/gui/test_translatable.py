"""Every user-visible string in the GUI goes through Qt's translation functions.

A static check over the AST of app/hearth/gui/*.py (no Qt needed). It flags:

- a string literal or f-string (also inside `+`/`%` concatenation, `a if c else b`, `x or y`,
  a list or a `"...".format(...)`) handed straight to a Qt text setter or constructor: the
  methods in TEXT_METHODS, the constructors in TEXT_CONSTRUCTORS, QMessageBox's and
  QInputDialog's text arguments and QFileDialog's captions and filters (STATIC_TEXT);
- `tr()`, `QCoreApplication.translate()` and `QT_TRANSLATE_NOOP()` / `QT_TR_NOOP()` with a
  source text (or, for translate, a context) that is not a plain string literal: lupdate reads
  only literals, so such a text never reaches the catalog (and an f-string is looked up already
  formatted, so it never matches one);
- `tr()` called on something other than `self`, or outside a class: lupdate files the text
  under the class it is written in, so any other object looks it up in the wrong context;
- a translation call inside an f-string's braces: lupdate does not look in there.

Text that is not words is fine as it is (`not_words`: empty strings, punctuation, symbols,
numbers, bare placeholders and HTML tags). Object names, stylesheets, icons and shortcuts are
not looked at (setObjectName, setStyleSheet, QKeySequence are no text setters). Everything else
that is allowed is in ALLOWED, each entry with its reason. Signal emits and exception messages
are out of scope.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[2] / "app" / "hearth" / "gui"

ALL = None  # every positional argument may carry text

# Methods (on any object) that put text on screen -> the positional arguments that hold it.
TEXT_METHODS: dict[str, tuple[int, ...] | None] = {
    **dict.fromkeys(
        (
            "setText",
            "setWindowTitle",
            "setToolTip",
            "setPlaceholderText",
            "setAccessibleName",
            "setAccessibleDescription",
            "setStatusTip",
            "setWhatsThis",
            "setTitle",
            "setInformativeText",
            "setDetailedText",
            "setSpecialValueText",
            "setPrefix",
            "setSuffix",
            "setLabelText",
            "setHtml",
            "setMarkdown",
            "setHeaderLabel",
            "setHeaderLabels",
            "setHorizontalHeaderLabels",
            "setVerticalHeaderLabels",
            "addItems",
            # (index, text) or (widget[, icon], text): the index and widget are not strings.
            "setTabText",
            "setTabToolTip",
            "setTabWhatsThis",
            "setItemText",
            "addTab",
            "insertTab",
            "addMenu",
            "addAction",
        ),
        ALL,
    ),
    # addItem(text, userData): the user data may well be a string literal, and is not shown.
    "addItem": (0,),
    "insertItem": (1,),
    "addButton": (0,),  # QMessageBox / QDialogButtonBox: addButton(text, role)
    "addRow": (0,),  # QFormLayout: addRow(label, field)
    # The window's banner and the status bar's passing message.
    "show_message": (0,),
    "show_problem": (0,),
}
TEXT_KEYWORDS = {"text", "title", "label", "caption", "filter", "labelText", "cancelButtonText"}

# Widgets whose constructor takes their text (any positional string, or one in a list).
TEXT_CONSTRUCTORS = {
    "QAction",
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QCommandLinkButton",
    "QMenu",
    "QMessageBox",
    "QProgressDialog",
    "QListWidgetItem",
    "QTableWidgetItem",
    "QTreeWidgetItem",
}

# Static dialog functions: Class.function -> the positional arguments that hold text.
STATIC_TEXT: dict[str, dict[str, tuple[int, ...] | None]] = {
    "QMessageBox": dict.fromkeys(("information", "warning", "critical", "question", "about"), ALL),
    # (parent, title, label, ...): the rest is a default value, typed by the user, or items.
    "QInputDialog": {
        **dict.fromkeys(("getText", "getInt", "getDouble", "getMultiLineText"), (1, 2)),
        "getItem": (1, 2, 3),
    },
    # (parent, caption, dir, filter): the directory is a path.
    "QFileDialog": {
        **dict.fromkeys(
            ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getOpenFileUrl"), (1, 3)
        ),
        "getExistingDirectory": (1,),
    },
}

TRANSLATE_RECEIVERS = {"QCoreApplication", "QApplication", "QGuiApplication"}


def not_words(text: str) -> bool:
    """No letters once placeholders ({0}, %p), HTML tags and entities are taken out: "",
    "—", " · ", "{0:.0%}", "<p><i>", "\\n" need no translation."""
    text = re.sub(r"\{[^{}]*\}|%\w|<[^<>]*>|&\w+;", "", text)
    return not any(ch.isalpha() for ch in text)


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    where: str  # the setter, constructor or translation function
    text: str  # the offending expression, as source

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.file, self.where, self.text)

    def __str__(self) -> str:
        return f"app/hearth/gui/{self.file}:{self.line}: {self.where}({self.text})"


# What the check lets through, by (file, setter or function, offending expression).
ALLOWED: dict[tuple[str, str, str], str] = {
    # Looked up by tr() in the class named by the context; every value is marked with
    # QT_TRANSLATE_NOOP("EscalationDialog", ...) in KIND_TITLES, so lupdate has them all.
    ("escalation_dialog.py", "tr", "title"): "marked",
}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literals(node: ast.expr) -> Iterator[ast.expr]:
    """The string literals that make up the value of `node` (not those inside other calls)."""
    if isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    ):
        yield node
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
        for value in node.value.values:
            yield from _literals(value)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Constant | ast.JoinedStr)
    ):  # "... {0}".format(x), ", ".join(parts)
        yield from _literals(node.func.value)


def _literal_text(node: ast.expr) -> str:
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    assert isinstance(node, ast.Constant)
    return str(node.value)


def _text_args(call: ast.Call, positions: tuple[int, ...] | None) -> Iterator[ast.expr]:
    for index, arg in enumerate(call.args):
        if positions is None or index in positions:
            yield arg
    for keyword in call.keywords:
        if keyword.arg in TEXT_KEYWORDS:
            yield keyword.value


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


class _Checker(ast.NodeVisitor):
    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Violation] = []
        self._classes = 0
        self._fstrings = 0

    def _flag(self, node: ast.expr, where: str) -> None:
        self.found.append(Violation(self.file, node.lineno, where, ast.unparse(node)))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._classes += 1
        self.generic_visit(node)
        self._classes -= 1

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._fstrings += 1
        self.generic_visit(node)
        self._fstrings -= 1

    def visit_Call(self, node: ast.Call) -> None:
        self._check_text(node)
        self._check_translation(node)
        self.generic_visit(node)

    def _check_text(self, call: ast.Call) -> None:
        func = call.func
        name = _name(func)
        positions: tuple[int, ...] | None
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in STATIC_TEXT
        ):
            functions = STATIC_TEXT[func.value.id]
            if func.attr not in functions:
                return
            positions, where = functions[func.attr], f"{func.value.id}.{func.attr}"
        elif isinstance(func, ast.Attribute) and func.attr in TEXT_METHODS:
            positions, where = TEXT_METHODS[func.attr], func.attr
        elif name in TEXT_CONSTRUCTORS:
            positions, where = ALL, name
        else:
            return
        for arg in _text_args(call, positions):
            for literal in _literals(arg):
                if not not_words(_literal_text(literal)):
                    self._flag(literal, where)

    def _check_translation(self, call: ast.Call) -> None:
        func = call.func
        name = _name(func)
        if name == "tr":
            if not (isinstance(func, ast.Attribute) and _name(func.value) == "self"):
                self._flag(func, "tr on another object than self")
            elif not self._classes:
                self._flag(func, "tr outside a class")
            sources = call.args[:1]
        elif name in ("QT_TRANSLATE_NOOP", "QT_TRANSLATE_NOOP3") or (
            name == "translate"
            and (
                isinstance(func, ast.Name)
                or (isinstance(func, ast.Attribute) and _name(func.value) in TRANSLATE_RECEIVERS)
            )
        ):
            sources = call.args[:2]  # the context and the source text
        elif name == "QT_TR_NOOP":
            sources = call.args[:1]
        else:
            return
        if self._fstrings:
            self._flag(call, f"{name} inside an f-string")
        for source in sources:
            if not _is_literal(source):
                self._flag(source, name)


def violations() -> list[Violation]:
    found: list[Violation] = []
    for path in sorted(GUI.glob("*.py")):
        checker = _Checker(path.name)
        checker.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        found += checker.found
    return found


def check(source: str) -> list[str]:
    """The violations in one piece of source (a method's body, unless it is a definition),
    as `where(text)`."""
    if not source.startswith(("def ", "class ")):
        source = "class Example:\n    def f(self):\n        " + source
    checker = _Checker("example.py")
    checker.visit(ast.parse(source))
    return [f"{v.where}({v.text})" for v in checker.found]


def test_gui_strings_go_through_translation() -> None:
    bad = [str(v) for v in violations() if v.key not in ALLOWED]
    assert not bad, (
        "User-visible text that lupdate cannot extract or Qt cannot translate; wrap it in "
        "self.tr(...) / QCoreApplication.translate(context, ...), mark dynamic texts with "
        "QT_TRANSLATE_NOOP, or (only for what is not words) allow it in ALLOWED:\n" + "\n".join(bad)
    )


def test_allow_list_is_not_stale() -> None:
    """An entry whose violation is gone (fixed, or the text changed) is removed."""
    found = {v.key for v in violations()}
    stale = [key for key in ALLOWED if key not in found]
    assert not stale, f"remove these from ALLOWED: {stale}"


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ('w.setText("Saved.")', ["setText('Saved.')"]),
        ('w.setToolTip(f"Model: {name}")', ["setToolTip(f'Model: {name}')"]),
        ('w.setText("Model: " + name)', ["setText('Model: ')"]),
        ('w.setText("Model: {0}".format(name))', ["setText('Model: {0}')"]),
        ('w.setText(name or "unknown")', ["setText('unknown')"]),
        ('QLabel("Schema:")', ["QLabel('Schema:')"]),
        ('QPushButton("&Run", self)', ["QPushButton('&Run')"]),
        ('menu.addAction("Shorter", slot)', ["addAction('Shorter')"]),
        ('bar.addMenu("&File")', ["addMenu('&File')"]),
        ('tabs.addTab(page, "Table")', ["addTab('Table')"]),
        ('box.addItem("CPU only", "cpu")', ["addItem('CPU only')"]),
        (
            't.setHorizontalHeaderLabels(["When", self.tr("Task")])',
            ["setHorizontalHeaderLabels('When')"],
        ),
        ('QMessageBox.warning(self, "Oops", self.tr("x"))', ["QMessageBox.warning('Oops')"]),
        ('QInputDialog.getText(self, self.tr("T"), "Name:")', ["QInputDialog.getText('Name:')"]),
        (
            'QFileDialog.getOpenFileName(self, "Open", "", "Text (*.txt)")',
            ["QFileDialog.getOpenFileName('Open')", "QFileDialog.getOpenFileName('Text (*.txt)')"],
        ),
        ('self.show_problem("No model.")', ["show_problem('No model.')"]),
        ('self.tr(f"{n} items")', ["tr(f'{n} items')"]),
        ("self.tr(task.title)", ["tr(task.title)"]),
        ('QCoreApplication.translate("Ctx", text)', ["translate(text)"]),
        ('QT_TRANSLATE_NOOP(_C, "{0} name")', ["QT_TRANSLATE_NOOP(_C)"]),
        ('dialog.tr("Saved.")', ["tr on another object than self(dialog.tr)"]),
        ('def f(self):\n    return self.tr("Saved.")', ["tr outside a class(self.tr)"]),
        ("f\"**{self.tr('Result')}**\"", ["tr inside an f-string(self.tr('Result'))"]),
        # Not words, translated, or not text shown by the setter: nothing to flag.
        ('w.setText("")', []),
        ('QLabel(f"{p:.0%}")', []),
        ('w.setText(" · ".join(parts))', []),
        ('w.setHtml("<p><i>" + body + "</i></p>")', []),
        ('box.addItem(self.tr("CPU only"), "cpu")', []),
        ('w.setObjectName("banner")', []),
        ('w.setStyleSheet("#banner { color: red; }")', []),
        ('class A:\n    def f(self):\n        return self.tr("Saved.")', []),
        ('QCoreApplication.translate("Ctx", "Saved.")', []),
    ],
)
def test_checker_flags(source: str, flagged: list[str]) -> None:
    assert check(source) == flagged
