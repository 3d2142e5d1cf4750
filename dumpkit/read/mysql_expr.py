"""The expressions a VALUES list may hold besides literals, evaluated as MariaDB would.

A dump is hostile: a value must never reach anything but this evaluator. What dump tools
and installer scripts write is small - signs and + - * on numbers, string functions,
now() and date arithmetic, a hash - so the expression is parsed by sqlglot and its tree
is checked node by node against an allow-list (_NODES, _ANONYMOUS) before anything is
computed; the computation is plain Python, with MySQL's rules for numbers (BIGINT,
BIGINT UNSIGNED, DECIMAL, DOUBLE and their text forms) and dates. Anything else (a
subquery, a table function, a variable, a column, division, a function not on the list)
raises ExprError, and the statement is reported with its offset.

The slow path (mysql_values) replaces every string, hex and bit literal of the value by a
marker ('#0', '#1', ...) before sqlglot sees it, so literal bytes keep MySQL's own escape
rules and the text sqlglot parses holds only numbers, words and operators.

Why not more: division (MySQL keeps 9-digit groups of decimals internally), UUID() (a
new value on every restore), UTC_TIMESTAMP() (the restore's time zone) and the like
occur in no installer SQL we have seen; each is reported rather than guessed.
"""
from __future__ import annotations

import base64
import calendar
import datetime as _dt
import functools
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext

from .mysql_values import MAX_DEPTH, _Hybrid, _Raw, _Str, decode_text, restore_time

INT_MIN, INT_MAX, UINT_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
_DECIMAL_DIGITS, _DECIMAL_SCALE = 65, 38  # MariaDB's DECIMAL limits
_MARKER = re.compile(r"#(\d+)")
_INTEGER_TEXT = re.compile(r"\s*[-+]?\d+\s*")
_NUMBER_TEXT = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class ExprError(Exception):
    """The expression is not one dumpkit evaluates (or MariaDB would refuse it)."""


class Unsigned(int):
    """A BIGINT UNSIGNED value (an integer literal above BIGINT's range, or arithmetic on one)."""


@dataclass
class _Context:
    literals: list  # the values behind the markers '#0', '#1', ...
    encoding: str
    clock: bool = False  # whether the value depends on when the dump is restored


# ---------------------------------------------------------------- numbers as MySQL writes them

def number(text: str):
    """A number literal's value: int (BIGINT), Unsigned, Decimal or float (with an exponent)."""
    if "e" in text or "E" in text:
        v = float(text)
        if v in (float("inf"), float("-inf")):
            raise ExprError(f"illegal double {text!r}")
        return v
    if "." in text:
        return Decimal(text)
    n = int(text)
    return n if n <= INT_MAX else Unsigned(n) if n <= UINT_MAX else Decimal(n)


def double_text(x: float) -> str:
    """A DOUBLE as MariaDB writes it into a string (my_gcvt: the shortest digits that read
    back the same; the 'e' form below 1e-15 and for integers of 16 digits and more)."""
    if x == 0:
        return "0"
    t = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, t.digits))
    decpt = len(digits) + t.exponent  # value = 0.DIGITS * 10**decpt
    digits = digits.rstrip("0")
    sign, n = "-" if x < 0 else "", len(digits)
    if decpt >= -14 and (decpt <= 15 or n > decpt):
        if decpt <= 0:
            return f"{sign}0.{'0' * -decpt}{digits}"
        if decpt < n:
            return f"{sign}{digits[:decpt]}.{digits[decpt:]}"
        return sign + digits + "0" * (decpt - n)
    mantissa = digits[0] + ("." + digits[1:] if n > 1 else "")
    return f"{sign}{mantissa}e{decpt - 1}"


def decimal_text(d: Decimal) -> str:
    """A DECIMAL as MySQL writes it: its own scale, no exponent, no negative zero."""
    if d == 0:
        d = abs(d)
    return format(d, "f")


def text_of(v) -> str:
    """Any non-string value as the text MariaDB converts it to (into a string column, CONCAT...)."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, Decimal):
        return decimal_text(v)
    if isinstance(v, float):
        return double_text(v)
    if isinstance(v, _dt.datetime):
        return f"{v.date().isoformat()} {v:%H:%M:%S}" + (f".{v.microsecond:06d}" if v.microsecond else "")
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


# ---------------------------------------------------------------- evaluating a tree

def evaluate(sql: str, literals: list, encoding: str) -> tuple[object, bool]:
    """(value, whether it reads the clock) of one VALUES expression; `sql` holds markers
    for `literals`. Raises ExprError for anything outside the allow-list."""
    tree = _parse(sql)
    ctx = _Context(literals, encoding)
    try:
        return _eval(tree, ctx), ctx.clock
    except RecursionError:
        raise ExprError("the value is nested too deeply") from None
    except (ArithmeticError, ValueError, OverflowError) as e:
        raise ExprError(f"cannot compute it ({type(e).__name__})") from None


@functools.lru_cache(maxsize=256)
def _parse(sql: str):
    """sqlglot's tree of an expression, checked to be shallow enough to walk. The same text
    comes back often (markers stand for the literals), so trees are cached."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(sql, read="mysql")
    except RecursionError:
        raise ExprError("the value is nested too deeply") from None
    except SqlglotError as e:
        raise ExprError(f"not a value ({str(e).splitlines()[0][:80]})") from None
    except Exception as e:  # a parser on hostile text: whatever it raises, the value is not one
        raise ExprError(f"not a value ({type(e).__name__})") from None
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExprError(f"the value is nested more than {MAX_DEPTH} deep")
        stack.extend((child, depth + 1) for child in node.iter_expressions())
    return tree


def _eval(node, ctx: _Context):
    return _allowed(node)(node, ctx)


def _allowed(node):
    """The node's handler, if its class is on the allow-list and it holds no other argument."""
    handler, args = _NODES.get(type(node).__name__, (None, ()))
    if handler is None:
        raise ExprError(f"{_describe(node)} is not allowed in VALUES")
    for key, arg in node.args.items():
        if arg is not None and not isinstance(arg, (str, bool)) and arg != [] and key not in args:
            raise ExprError(f"{type(node).__name__} with a {key} ({str(arg)[:30]!r}) is not evaluated in VALUES")
    return handler


def _describe(node) -> str:
    name = type(node).__name__
    if name == "Anonymous":
        return f"function {str(node.name).upper()}()"
    if name in ("Column", "Identifier"):
        return f"the name {node.name!r}"
    return {"Subquery": "a subquery", "Select": "a query", "Alias": "a name after a value"}.get(name, name)


def _literal(node, ctx: _Context):
    text = node.name
    if node.is_string:
        m = _MARKER.fullmatch(text)
        if m:
            return ctx.literals[int(m.group(1))]
        # sqlglot turns the number in `INTERVAL 1 DAY` into a string: only a number can be here
        signed = re.fullmatch(r"([-+]?)(" + _NUMBER_TEXT.pattern + ")", text)
        if not signed:
            raise ExprError(f"unexpected literal {text!r}")
        value = number(signed.group(2))
        return negate(value) if signed.group(1) == "-" else value
    if not _NUMBER_TEXT.fullmatch(text):
        raise ExprError(f"unexpected literal {text!r}")
    return number(text)


def _args(node, ctx: _Context) -> list:
    return [_eval(a, ctx) for a in node.expressions]


# numbers

def _numeric(v):
    if isinstance(v, _Hybrid):
        return int.from_bytes(v.data, "big")
    if v is None or isinstance(v, (int, Decimal, float)):
        return int(v) if isinstance(v, bool) else v
    raise ExprError("arithmetic on a text or date value is not evaluated in VALUES")


def _check_int(n: int, unsigned: bool) -> int:
    if unsigned:
        if not 0 <= n <= UINT_MAX:
            raise ExprError("BIGINT UNSIGNED value is out of range")
        return Unsigned(n)
    if not INT_MIN <= n <= INT_MAX:
        raise ExprError("BIGINT value is out of range")
    return n


def _check_decimal(d: Decimal) -> Decimal:
    t = d.as_tuple()
    if -t.exponent > _DECIMAL_SCALE or len(t.digits) > _DECIMAL_DIGITS:
        raise ExprError("DECIMAL value is out of range")
    return d


def _check_double(x: float) -> float:
    if x != x or x in (float("inf"), float("-inf")):
        raise ExprError("DOUBLE value is out of range")
    return x


def _arith(op, a, b):
    a, b = _numeric(a), _numeric(b)
    if a is None or b is None:
        return None
    if isinstance(a, float) or isinstance(b, float):
        return _check_double(op(float(a), float(b)))
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        with localcontext() as c:
            c.prec = 200
            return _check_decimal(op(Decimal(a), Decimal(b)))
    return _check_int(op(int(a), int(b)), isinstance(a, Unsigned) or isinstance(b, Unsigned))


def negate(v):
    v = _numeric(v)
    if v is None or isinstance(v, float):
        return None if v is None else -v
    if isinstance(v, Decimal):
        return v.copy_negate()  # exact: `-v` would round to the context's 28 digits
    if isinstance(v, Unsigned):
        # -9223372036854775808 is BIGINT's lowest; past it, a DECIMAL
        return int(-v) if v <= -INT_MIN else Decimal(-int(v))
    return _check_int(-v, False)


def _add(node, ctx):
    a, b = node.this, node.expression
    if type(b).__name__ == "Interval":
        return _interval(_eval(a, ctx), b, ctx, 1)
    if type(a).__name__ == "Interval":
        return _interval(_eval(b, ctx), a, ctx, 1)
    return _arith(lambda x, y: x + y, _eval(a, ctx), _eval(b, ctx))


def _sub(node, ctx):
    if type(node.expression).__name__ == "Interval":
        return _interval(_eval(node.this, ctx), node.expression, ctx, -1)
    return _arith(lambda x, y: x - y, _eval(node.this, ctx), _eval(node.expression, ctx))


# strings

def _bytes(v, ctx: _Context) -> bytes:
    if isinstance(v, _Raw):
        return v.data
    if isinstance(v, _Str):
        return bytes(v)
    return text_of(v).encode("utf-8")


def _join(parts: list, ctx: _Context, sep=None):
    """Strings joined as MySQL does: binary when one part is, else text (a decoded part -
    N'..', _utf8'..' - makes the result decoded text)."""
    if sep is not None:
        parts = [p for p in parts if p is not None]
        parts = [x for p in parts for x in (sep, p)][1:]
    if any(isinstance(p, _Raw) for p in parts):
        return _Raw(b"".join(_bytes(p, ctx) for p in parts))
    if any(isinstance(p, str) for p in parts):
        return "".join(p if isinstance(p, str) else decode_text(_bytes(p, ctx), ctx.encoding)[0] for p in parts)
    return _Str(b"".join(_bytes(p, ctx) for p in parts))


def _concat(node, ctx):
    parts = _args(node, ctx)
    return None if any(p is None for p in parts) else _join(parts, ctx)


def _concat_ws(node, ctx):
    sep, *parts = _args(node, ctx)
    return None if sep is None else _join(parts, ctx, sep)


def _ascii(v, ctx) -> str:
    return _bytes(v, ctx).decode("ascii", "replace")


def _unhex(node, ctx):
    v = _eval(node.this, ctx)
    if v is None:
        return None
    text = _ascii(v, ctx)
    try:
        return _Raw(bytes.fromhex(text if len(text) % 2 == 0 else "0" + text)) if "".join(text.split()) == text else None
    except ValueError:
        return None  # not hex: MySQL's NULL


def _from_base64(node, ctx):
    v = _eval(node.this, ctx)
    if v is None:
        return None
    try:
        return _Raw(base64.b64decode(b"".join(_bytes(v, ctx).split()), validate=True))
    except ValueError:
        raise ExprError("FROM_BASE64() of text that is not base64") from None  # a warning, so strict mode refuses


def _char(node, ctx):
    out = b""
    for v in _args(node, ctx):
        v = _numeric(v)
        if v is None:
            continue
        if isinstance(v, (float, Decimal)) and v != int(v) or not 0 <= v <= 0xFFFFFFFF:
            raise ExprError("CHAR() of a number that is not a code")
        v = int(v)
        out += v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    return _Raw(out)


def _hash(name: str):
    def run(node, ctx):
        v = _eval(node.this, ctx)
        return None if v is None else hashlib.new(name, _bytes(v, ctx)).hexdigest()
    return run


def _sha2(node, ctx):
    if node.args.get("length") is None:
        raise ExprError("SHA2() takes a value and a length")
    v, bits = _eval(node.this, ctx), _eval(node.args["length"], ctx)
    if v is None:
        return None
    if isinstance(bits, (_Str, str)) and _INTEGER_TEXT.fullmatch(_ascii(bits, ctx) if isinstance(bits, _Str) else bits):
        bits = int(bits)
    bits = _numeric(bits) or 0  # MariaDB: a NULL length is 0, SHA-256
    if isinstance(bits, (float, Decimal)) and bits != int(bits):
        raise ExprError("SHA2() with a length that is not a whole number")
    name = {0: "sha256", 224: "sha224", 256: "sha256", 384: "sha384", 512: "sha512"}.get(bits)
    if name is None:
        raise ExprError(f"SHA2() with a length of {bits}")  # a warning, so strict mode refuses
    return hashlib.new(name, _bytes(v, ctx)).hexdigest()


def _password(args, ctx):
    if len(args) != 1:
        raise ExprError("PASSWORD() takes one value")
    raw = b"" if args[0] is None else _bytes(args[0], ctx)  # MariaDB: PASSWORD(NULL) is ''
    return "*" + hashlib.sha1(hashlib.sha1(raw).digest()).hexdigest().upper() if raw else ""


# the clock and dates

def _now(ctx) -> _dt.datetime:
    ctx.clock = True
    return restore_time().replace(microsecond=0)


def _today(ctx) -> _dt.date:
    return _now(ctx).date()


_DATE_TEXT = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d))?")


def _as_date(v, ctx):
    """A DATE or DATETIME value from a value used as one (a string must be 'YYYY-MM-DD[ hh:mm:ss]')."""
    if v is None or isinstance(v, (_dt.date, _dt.datetime)):
        return v
    if isinstance(v, (_Str, _Raw, str)):
        m = _DATE_TEXT.fullmatch(_ascii(v, ctx) if not isinstance(v, str) else v)
        if m:
            parts = [int(g) for g in m.groups() if g is not None]
            try:
                return _dt.datetime(*parts) if len(parts) == 6 else _dt.date(*parts)
            except ValueError:
                pass
    raise ExprError(f"{text_of(v)[:30]!r} is not a date dumpkit reads")


INTERVAL_UNITS = _UNITS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 7 * 86400, "MONTH": -1, "QUARTER": -3, "YEAR": -12}


def _amount(v, ctx, sign: int) -> int | None:
    """An INTERVAL's amount: a whole number, or a string holding one ('3' DAY)."""
    if isinstance(v, (_Str, _Raw, str)):
        text = v if isinstance(v, str) else _ascii(v, ctx)
        if not _INTEGER_TEXT.fullmatch(text):
            raise ExprError(f"INTERVAL {text[:20]!r} is not evaluated in VALUES")
        v = int(text)
    v = _numeric(v)
    if v is None:
        return None
    if isinstance(v, (float, Decimal)) and v != int(v):
        raise ExprError("an INTERVAL of a fraction is not evaluated in VALUES")
    return int(v) * sign


def _shift(value, amount: int | None, unit: str, ctx):
    """DATE_ADD(value, INTERVAL amount unit): a date stays a date for whole days, months keep
    their day where it exists (else the month's last day); outside years 1-9999 an error."""
    step = _UNITS.get(unit.upper())
    if step is None:
        raise ExprError(f"INTERVAL ... {unit} is not evaluated in VALUES")
    d = _as_date(value, ctx)
    if d is None or amount is None:
        return None
    try:
        if step < 0:
            year, month = divmod(d.year * 12 + d.month - 1 + amount * -step, 12)
            day = min(d.day, calendar.monthrange(year, month + 1)[1]) if 1 <= year <= 9999 else d.day
            return d.replace(year=year, month=month + 1, day=day)
        if not isinstance(d, _dt.datetime) and step % 86400:
            d = _dt.datetime(d.year, d.month, d.day)
        return d + _dt.timedelta(seconds=amount * step)
    except (ValueError, OverflowError):
        # a strict server refuses the row; without strict mode it stores NULL
        raise ExprError("datetime field overflow") from None


def _interval(value, node, ctx, sign: int):
    """value + INTERVAL n unit (or minus)."""
    _allowed(node)
    unit = node.args.get("unit")
    return _shift(value, _amount(_eval(node.this, ctx), ctx, sign), unit.name if unit else "", ctx)


def _date_add(sign: int):
    """DATE_ADD / DATE_SUB: sqlglot keeps the interval's amount and unit on the node."""
    def run(node, ctx):
        unit = node.args.get("unit")
        return _shift(_eval(node.this, ctx), _amount(_eval(node.expression, ctx), ctx, sign),
                      unit.name if unit else "DAY", ctx)
    return run


def _adddate(nodes, ctx, sign: int):
    """ADDDATE(d, INTERVAL n unit) or ADDDATE(d, days); SUBDATE likewise."""
    if len(nodes) != 2:
        raise ExprError("ADDDATE() and SUBDATE() take two values")
    value, amount = nodes
    if type(amount).__name__ == "Interval":
        return _interval(_eval(value, ctx), amount, ctx, sign)
    return _shift(_eval(value, ctx), _amount(_eval(amount, ctx), ctx, sign), "DAY", ctx)


def _date_part(attr: str):
    def run(node, ctx):
        d = _as_date(_eval(node.this, ctx), ctx)
        return None if d is None else getattr(d, attr)
    return run


def _to_date(node, ctx):
    d = _as_date(_eval(node.this, ctx), ctx)
    return d.date() if isinstance(d, _dt.datetime) else d


def _from_unixtime(node, ctx):
    if node.args.get("format") is not None:
        raise ExprError("FROM_UNIXTIME() with a format is not evaluated in VALUES")
    v = _numeric(_eval(node.this, ctx))
    if v is None:
        return None
    if isinstance(v, (float, Decimal)) and v != int(v):
        raise ExprError("FROM_UNIXTIME() of a fraction is not evaluated in VALUES")
    if v < 0:
        return None  # MySQL's NULL
    if v > 2**31 - 1:
        raise ExprError("FROM_UNIXTIME() past TIMESTAMP's range")  # a warning, so strict mode refuses
    # the dump tools' TIME_ZONE='+00:00'
    return _dt.datetime(1970, 1, 1) + _dt.timedelta(seconds=int(v))


def _no_args(fn):
    """A clock function: NOW(6) and the like (fractions of a second) are not evaluated."""
    def run(node, ctx):
        precision = node.args.get("this") if type(node).__name__ != "Anonymous" else None
        if precision is not None or node.expressions:
            raise ExprError("a clock function with an argument is not evaluated in VALUES")
        return fn(ctx)
    return run


# functions sqlglot leaves anonymous, by name: (evaluated arguments or nodes) -> value
_ANONYMOUS = {
    "NOW": _no_args(_now),
    "SYSDATE": _no_args(_now),
    "ADDDATE": lambda node, ctx: _adddate(node.expressions, ctx, 1),
    "SUBDATE": lambda node, ctx: _adddate(node.expressions, ctx, -1),
    "PASSWORD": lambda node, ctx: _password(_args(node, ctx), ctx),
}


def _anonymous(node, ctx):
    fn = _ANONYMOUS.get(str(node.name).upper())
    if fn is None:
        raise ExprError(f"function {str(node.name).upper()}() is not supported in VALUES")
    return fn(node, ctx)


def _time_now(ctx) -> str:
    return _now(ctx).strftime("%H:%M:%S")


# The allow-list: sqlglot node class -> how MariaDB computes it. Nothing else is evaluated.
# The allow-list: sqlglot node class -> (how MariaDB computes it, the arguments it may carry).
# sqlglot is lenient where MariaDB is not (UNHEX(a, b) parses, with a second argument UNHEX
# has no use for): a node holding any other argument is refused. Nothing else is evaluated.
_ONE, _TWO = ("this",), ("this", "expression")
_NODES = {
    "Literal": (_literal, ()),
    "Null": (lambda node, ctx: None, ()),
    "Boolean": (lambda node, ctx: int(bool(node.this)), ()),
    "Paren": (lambda node, ctx: _eval(node.this, ctx), _ONE),
    "Neg": (lambda node, ctx: negate(_eval(node.this, ctx)), _ONE),
    "Add": (_add, _TWO),
    "Sub": (_sub, _TWO),
    "Mul": (lambda node, ctx: _arith(lambda x, y: x * y, _eval(node.this, ctx), _eval(node.expression, ctx)), _TWO),
    "Interval": (lambda node, ctx: _refuse("INTERVAL outside date arithmetic"), ("this", "unit")),  # read by _interval
    "Concat": (_concat, ("expressions",)),
    "ConcatWs": (_concat_ws, ("expressions",)),
    "Unhex": (_unhex, _ONE),
    "FromBase64": (_from_base64, _ONE),
    "Chr": (_char, ("expressions",)),
    "MD5": (_hash("md5"), _ONE),
    "SHA": (_hash("sha1"), _ONE),
    "SHA2": (_sha2, ("this", "length")),
    "CurrentTimestamp": (_no_args(_now), ()),
    "Localtime": (_no_args(_now), ()),
    "Localtimestamp": (_no_args(_now), ()),
    "CurrentDate": (_no_args(_today), ()),
    "CurrentTime": (_no_args(_time_now), ()),
    "DateAdd": (_date_add(1), ("this", "expression", "unit")),
    "DateSub": (_date_add(-1), ("this", "expression", "unit")),
    "TsOrDsToDate": (_to_date, _ONE),
    "Year": (_date_part("year"), _ONE),
    "Month": (_date_part("month"), _ONE),
    "Day": (_date_part("day"), _ONE),
    "UnixToTime": (_from_unixtime, _ONE),
    "Anonymous": (_anonymous, ("expressions",)),
}


def _refuse(what: str):
    raise ExprError(f"{what} is not evaluated in VALUES")
