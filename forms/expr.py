"""The small, safe expression language of form definitions (docs/forms.md): syntax tree, tokenizer, parser.

Nothing here calls eval/exec/compile or touches Python objects' attributes: an expression can only
read the field values it is given, compare them and call the handful of functions below. It is ours
rather than a library's because the catalogue checks need, together: the static list of names an
expression reads (to refuse unknown fields and find cycles), null read as false, and Vietnamese
messages with the position of a mistake.

Grammar (EBNF; lowest precedence first; at most MAX_LENGTH characters and MAX_DEPTH levels of nesting):

    expression  = or_expr
    or_expr     = and_expr { "or" and_expr }
    and_expr    = not_expr { "and" not_expr }
    not_expr    = "not" not_expr | comparison
    comparison  = unary [ compare_op unary ]          (no chains: "a < b < c" is an error)
    compare_op  = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in"
    unary       = "-" unary | primary
    primary     = number | string | "true" | "false" | "null"
                | name | call | "(" expression ")" | "[" [ expression { "," expression } ] "]"
    call        = function "(" [ expression { "," expression } ] ")"
    function    = "today" | "len" | "year" | "empty" | "age" | "days"   (arity in FUNCTIONS)
    name        = [a-z][a-z0-9_]*   (a field id; a keyword is never a name)
    number      = [0-9]+ [ "." [0-9]+ ]
    string      = "'" … "'" | '"' … '"'   (escapes \\ \' \" \n \t; NFC-normalised)

Evaluation (forms/evaluation.py): null, false, 0, blank strings and empty lists are false (`truthy`); comparisons never
convert between types (except int and float) and are null when either side is null; a failure on the
data (not the syntax) gives null, which a condition reads as false, and is logged once per expression.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


MAX_LENGTH = 1000  # characters in one expression
MAX_DEPTH = 32  # nesting of parentheses, lists, calls and unary operators

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
# name -> (min args, max args)
FUNCTIONS = {"today": (0, 0), "len": (1, 1), "year": (1, 1), "empty": (1, 1), "age": (1, 2), "days": (2, 2)}
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not in"})


class ExprError(ValueError):
    """A syntax error in an expression; `position` is the 0-based character offset."""

    def __init__(self, reason: str, position: int, text: str = ""):
        self.reason = reason
        self.position = position
        self.text = text
        super().__init__(f"{reason} (vị trí {position + 1})")


# --- syntax tree --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Literal:
    value: object
    pos: int


@dataclass(frozen=True)
class Name:
    name: str
    pos: int


@dataclass(frozen=True)
class ListOf:
    items: tuple
    pos: int


@dataclass(frozen=True)
class Unary:
    op: str  # "not" or "-"
    operand: object
    pos: int


@dataclass(frozen=True)
class Logic:
    op: str  # "and" or "or"; n-ary so long chains do not deepen the tree
    items: tuple
    pos: int


@dataclass(frozen=True)
class Binary:
    op: str  # one of COMPARISONS
    left: object
    right: object
    pos: int


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple
    pos: int


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its source text, syntax tree and the field ids it reads."""

    text: str
    root: object
    names: frozenset

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"


# --- tokenizer ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    kind: str  # "num", "str", "name", "kw", "op", "end"
    value: object
    pos: int


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ",", "-")
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
            continue
        if ch in "'\"":
            start, i, out = i, i + 1, []
            while True:
                if i >= n:
                    raise ExprError("chuỗi chưa đóng dấu nháy", start, text)
                c = text[i]
                if c == ch:
                    i += 1
                    break
                if c == "\\":
                    if i + 1 >= n or text[i + 1] not in _ESCAPES:
                        raise ExprError("ký tự thoát không hợp lệ trong chuỗi", i, text)
                    out.append(_ESCAPES[text[i + 1]])
                    i += 2
                    continue
                out.append(c)
                i += 1
            tokens.append(Token("str", unicodedata.normalize("NFC", "".join(out)), start))
            continue
        m = _NUMBER.match(text, i)
        if m:
            raw = m.group()
            if m.end() < n and (text[m.end()].isalnum() or text[m.end()] in "_."):
                raise ExprError(f"số không hợp lệ '{raw}{text[m.end()]}'", i, text)
            tokens.append(Token("num", float(raw) if "." in raw else int(raw), i))
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m:
            word = m.group()
            if m.end() < n and (text[m.end()].isalnum() or text[m.end()] in "_."):
                # catches `A`, `__class__`, `x.y`: names are lower-case field ids and nothing else
                raise ExprError(f"tên không hợp lệ bắt đầu bằng '{word}'", i, text)
            tokens.append(Token("kw" if word in KEYWORDS else "name", word, i))
            i = m.end()
            continue
        for op in _OPERATORS:
            if text.startswith(op, i):
                tokens.append(Token("op", op, i))
                i += len(op)
                break
        else:
            raise ExprError(f"ký tự không hợp lệ '{ch}'", i, text)
    tokens.append(Token("end", None, n))
    return tokens


# --- parser (recursive descent) -----------------------------------------------------------------

class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.names: set[str] = set()

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, reason: str, tok: Token | None = None):
        raise ExprError(reason, (tok or self.tok).pos, self.text)

    def at(self, kind: str, value=None) -> bool:
        t = self.tok
        return t.kind == kind and (value is None or t.value == value)

    def take(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def expect_op(self, op: str) -> Token:
        if not self.at("op", op):
            self.error(f"thiếu '{op}'" + self._found())
        return self.take()

    def _found(self) -> str:
        t = self.tok
        return ", gặp hết biểu thức" if t.kind == "end" else f", gặp '{t.value}'"

    def enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.error(f"biểu thức lồng nhau quá {MAX_DEPTH} mức")

    def parse(self):
        if self.at("end"):
            self.error("biểu thức rỗng")
        node = self.or_expr()
        if not self.at("end"):
            self.error(f"thừa '{self.tok.value}'")
        return node

    def or_expr(self):
        return self._chain("or", self.and_expr)

    def and_expr(self):
        return self._chain("and", self.not_expr)

    def _chain(self, op: str, operand):
        items = [operand()]
        pos = None
        while self.at("kw", op):
            tok = self.take()
            pos = tok.pos if pos is None else pos
            items.append(operand())
        return items[0] if len(items) == 1 else Logic(op, tuple(items), pos)

    def not_expr(self):
        if self.at("kw", "not"):
            t = self.take()
            self.enter()
            node = Unary("not", self.not_expr(), t.pos)
            self.depth -= 1
            return node
        return self.comparison()

    def _comparison_op(self) -> tuple[str, Token] | None:
        t = self.tok
        if t.kind == "op" and t.value in COMPARISONS:
            return t.value, t
        if t.kind == "kw" and t.value == "in":
            return "in", t
        if t.kind == "kw" and t.value == "not" and self.tokens[self.i + 1].kind == "kw" \
                and self.tokens[self.i + 1].value == "in":
            return "not in", t
        return None

    def comparison(self):
        left = self.unary()
        found = self._comparison_op()
        if found is None:
            return left
        op, t = found
        self.i += 2 if op == "not in" else 1
        right = self.unary()
        if self._comparison_op() is not None:
            self.error("không được nối tiếp hai phép so sánh; dùng 'and'")
        return Binary(op, left, right, t.pos)

    def unary(self):
        if self.at("op", "-"):
            t = self.take()
            self.enter()
            node = Unary("-", self.unary(), t.pos)
            self.depth -= 1
            return node
        return self.primary()

    def primary(self):
        t = self.tok
        if t.kind in ("num", "str"):
            self.take()
            return Literal(t.value, t.pos)
        if t.kind == "kw" and t.value in ("true", "false", "null"):
            self.take()
            return Literal({"true": True, "false": False, "null": None}[t.value], t.pos)
        if t.kind == "name":
            self.take()
            if self.at("op", "("):
                return self.call(t)
            self.names.add(t.value)
            return Name(t.value, t.pos)
        if self.at("op", "("):
            self.take()
            self.enter()
            node = self.or_expr()
            self.depth -= 1
            self.expect_op(")")
            return node
        if self.at("op", "["):
            self.take()
            self.enter()
            items = self.sequence("]")
            self.depth -= 1
            return ListOf(tuple(items), t.pos)
        if t.kind == "end":
            self.error("biểu thức chưa kết thúc")
        self.error(f"không mong đợi '{t.value}'")

    def sequence(self, close: str) -> list:
        items = []
        if self.at("op", close):
            self.take()
            return items
        while True:
            items.append(self.or_expr())
            if self.at("op", ","):
                self.take()
                continue
            self.expect_op(close)
            return items

    def call(self, name_tok: Token):
        func = name_tok.value
        if func not in FUNCTIONS:
            self.error(f"hàm không tồn tại '{func}'", name_tok)
        self.take()  # "("
        self.enter()
        args = self.sequence(")")
        self.depth -= 1
        low, high = FUNCTIONS[func]
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low}–{high}"
            self.error(f"hàm '{func}' cần {want} đối số, có {len(args)}", name_tok)
        return Call(func, tuple(args), name_tok.pos)


def parse(text: str) -> Expr:
    """Parse an expression; raises ExprError (with the position) on any syntax error."""
    if not isinstance(text, str):
        raise ExprError("biểu thức phải là một chuỗi", 0, "")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"biểu thức dài quá {MAX_LENGTH} ký tự", MAX_LENGTH, text)
    parser = _Parser(text)
    root = parser.parse()
    return Expr(text, root, frozenset(parser.names))
