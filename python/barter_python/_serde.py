"""serde's JSON shapes, declared once and shared by the typed engine values.

Each class below (``Serde``) lists its fields with a ``Codec`` per field: how
to read the field from serde's JSON (``json.loads`` output), how to write it
back, and how to validate a hand-built Python value. ``from_dict`` and
``to_dict`` are generic over these declarations, so every class reads and
writes serde's JSON the same way; ``to_dict()`` of a decoded value equals
the ``json.loads`` of serde's text it came from.

The shapes, as serde_json writes them:

- ``rust_decimal::Decimal``: a string that keeps its scale (``"0.50"``).
- ``DateTime<Utc>``: RFC 3339 with ``Z`` and 0, 3, 6 or 9 fractional digits.
- ``f64``: a JSON number (an integer when it has no fraction in the source,
  ``null`` when not finite); Python gets a ``float``.
- enums are externally tagged: a unit variant is ``"Name"``, a variant
  holding ``()`` or a unit struct ``{"Name": null}``, any other
  ``{"Name": payload}``.
- ``Option``: ``null``. A missing ``Option`` field reads as ``None`` (serde's
  derive does the same).
- barter-integration's ``NoneOneOrMany<T>``: ``"None"``, ``{"One": x}`` or
  ``{"Many": [...]}``; ``OneOrMany<T>``: ``{"One": x}`` or ``{"Many": [...]}``.
  Which variant is part of the value (``Many([x]) != One(x)`` in Rust), so
  ``Items`` remembers it.
- maps: JSON objects with string keys.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, ClassVar, NamedTuple, NoReturn, TypeVar, cast

from ._codec import USIZE_MAX, check_decimal, decimal_text
from ._keys import ExchangeId
from ._native import check, ffi, lib, take_buffer
from ._record import Record, make
from ._requests import Side
from .errors import BarterValueError
from .timestamp import Timestamp

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
S = TypeVar("S", bound="Serde")


def fail(path: str, message: str) -> NoReturn:
    raise BarterValueError(f"{path}: {message}")


def json_kind(value: object) -> str:
    """The JSON type of a ``json.loads`` value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


class Codec(NamedTuple):
    """One serde type: ``load(json_value, path)``, ``dump(value)`` and
    ``check(python_value, path)`` (the validation of hand-built values)."""

    load: Callable[[Any, str], Any]
    dump: Callable[[Any], Any]
    check: Callable[[Any, str], Any]
    #: What a constructor argument defaults to (``REQUIRED``: none). Only a
    #: field whose default is ``None`` (an ``Option``) may be missing in JSON.
    default: Any = REQUIRED


def _identity(value: T) -> T:
    return value


def _scalar(accepts: Callable[[Any], bool], expected: str) -> Codec:
    """A type whose Python value is its JSON value."""

    def load(value: Any, path: str) -> Any:
        if not accepts(value):
            fail(path, f"expected {expected}, got {json_kind(value)}")
        return value

    return Codec(load, _identity, load)


STR = _scalar(lambda v: type(v) is str, "a string")
BOOL = _scalar(lambda v: type(v) is bool, "a boolean")
U64 = _scalar(lambda v: type(v) is int and 0 <= v < 1 << 64, "an integer in 0..2^64")
I64 = _scalar(lambda v: type(v) is int and -(1 << 63) <= v < 1 << 63, "a 64-bit integer")
#: ``usize``: barter's ``ExchangeIndex``, ``AssetIndex``, ``InstrumentIndex``.
INDEX = _scalar(lambda v: type(v) is int and 0 <= v <= USIZE_MAX, f"an integer in 0..={USIZE_MAX}")


def _load_f64(value: Any, path: str) -> float:
    if value is None:  # serde_json writes a NaN or an infinity as null
        return math.nan
    if type(value) is float or type(value) is int:
        return float(value)
    fail(path, f"expected a number, got {json_kind(value)}")


def _dump_f64(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _check_f64(value: Any, path: str) -> float:
    if type(value) is float or type(value) is int:
        return float(value)
    fail(path, f"must be a float, got {type(value).__name__}")


F64 = Codec(_load_f64, _dump_f64, _check_f64)

# rust_decimal's Display: an optional sign, digits, and `scale` decimals.
_DECIMAL_TEXT = re.compile(r"-?\d+(?:\.\d+)?\Z")


def _load_decimal(value: Any, path: str) -> Decimal:
    if type(value) is not str:
        fail(path, f"expected a decimal string, got {json_kind(value)}")
    if _DECIMAL_TEXT.match(value) is None:
        fail(path, f"not a decimal: {value!r}")
    return Decimal(value)


DECIMAL = Codec(_load_decimal, decimal_text, check_decimal)


def _load_timestamp(value: Any, path: str) -> Timestamp:
    if type(value) is not str:
        fail(path, f"expected an RFC 3339 timestamp string, got {json_kind(value)}")
    try:
        return Timestamp.parse(value)
    except ValueError as exc:
        fail(path, str(exc))


def _check_timestamp(value: Any, path: str) -> Timestamp:
    if type(value) is not Timestamp:
        fail(path, f"must be a Timestamp, got {type(value).__name__}")
    return value


TIMESTAMP = Codec(_load_timestamp, Timestamp.isoformat, _check_timestamp)

# serde(alias) names ExchangeId accepts besides its own.
_EXCHANGE_ALIASES = {"huobi": ExchangeId.HTX}


def _load_exchange(value: Any, path: str) -> ExchangeId:
    if type(value) is not str:
        fail(path, f"expected an ExchangeId string, got {json_kind(value)}")
    try:
        return _EXCHANGE_ALIASES.get(value) or ExchangeId(value)
    except ValueError:
        fail(path, f"unknown ExchangeId {value!r}")


def _check_exchange(value: Any, path: str) -> ExchangeId:
    if not isinstance(value, ExchangeId):
        return _load_exchange(value, path)
    return value


EXCHANGE = Codec(_load_exchange, str, _check_exchange)


def enum_codec(cls: type[Any], aliases: Mapping[str, Any] | None = None) -> Codec:
    """A fieldless Rust enum as a Python ``enum.Enum`` whose values are the
    serde names (``aliases``: the other names serde accepts)."""
    by_name = {member.value: member for member in cls}
    if aliases:
        by_name.update(aliases)
    expected = ", ".join(f"`{name}`" for name in by_name)

    def load(value: Any, path: str) -> Any:
        member = by_name.get(value) if type(value) is str else None
        if member is None:
            fail(path, f"unknown variant {value!r}, expected one of {expected}")
        return member

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, cls):
            fail(path, f"must be a {cls.__name__}, got {type(value).__name__}")
        return value

    return Codec(load, lambda member: member.value, check)


def optional(codec: Codec) -> Codec:
    """``Option<T>``: ``null`` is ``None``."""
    load, dump, check = codec.load, codec.dump, codec.check
    return Codec(
        lambda v, p: None if v is None else load(v, p),
        lambda v: None if v is None else dump(v),
        lambda v, p: None if v is None else check(v, p),
        None,
    )


def _array(value: Any, path: str) -> list[Any]:
    if type(value) is not list:
        fail(path, f"expected an array, got {json_kind(value)}")
    return value


def seq(codec: Codec) -> Codec:
    """``Vec<T>``: a JSON array, a tuple in Python."""
    load, dump, check = codec.load, codec.dump, codec.check

    def check_all(value: Any, path: str) -> tuple[Any, ...]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            fail(path, f"must be a sequence, got {type(value).__name__}")
        return tuple(check(item, f"{path}[{i}]") for i, item in enumerate(value))

    return Codec(
        lambda v, p: tuple(load(item, f"{p}[{i}]") for i, item in enumerate(_array(v, p))),
        lambda v: [dump(item) for item in v],
        check_all,
    )


def pair(first: Codec, second: Codec) -> Codec:
    """A Rust 2-tuple ``(A, B)``: a JSON array of two."""

    def load(value: Any, path: str) -> tuple[Any, Any]:
        if type(value) is not list or len(value) != 2:
            fail(path, f"expected an array of 2, got {json_kind(value)}")
        return first.load(value[0], f"{path}[0]"), second.load(value[1], f"{path}[1]")

    def check(value: Any, path: str) -> tuple[Any, Any]:
        if not isinstance(value, tuple) or len(value) != 2:
            fail(path, f"must be a 2-tuple, got {type(value).__name__}")
        return first.check(value[0], f"{path}[0]"), second.check(value[1], f"{path}[1]")

    return Codec(load, lambda v: [first.dump(v[0]), second.dump(v[1])], check)


# --- maps -----------------------------------------------------------------------------


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable mapping in serde's (insertion) order; equal
    to any mapping with the same items, dicts included."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._items: dict[K, V] = dict(items)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


def mapping(codec: Codec) -> Codec:
    """A map with string keys (a JSON object), as a ``FrozenMap``."""
    load, dump, check = codec.load, codec.dump, codec.check

    def load_all(value: Any, path: str) -> FrozenMap[str, Any]:
        if type(value) is not dict:
            fail(path, f"expected an object, got {json_kind(value)}")
        return FrozenMap((key, load(item, f"{path}[{key!r}]")) for key, item in value.items())

    def check_all(value: Any, path: str) -> FrozenMap[str, Any]:
        if not isinstance(value, Mapping):
            fail(path, f"must be a mapping, got {type(value).__name__}")
        items = []
        for key, item in value.items():
            STR.check(key, f"{path} key")
            items.append((key, check(item, f"{path}[{key!r}]")))
        return FrozenMap(items)

    return Codec(load_all, lambda v: {key: dump(item) for key, item in v.items()}, check_all)


def _freeze(value: Any) -> Any:
    if type(value) is dict:
        return FrozenMap((key, _freeze(item)) for key, item in value.items())
    if type(value) is list:
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, FrozenMap):
        return {key: _thaw(item) for key, item in value.items()}
    if type(value) is tuple:
        return [_thaw(item) for item in value]
    return value


#: A part kept as serde wrote it, frozen: objects become ``FrozenMap`` and
#: arrays tuples (for parts not typed yet).
RAW = Codec(lambda v, p: _freeze(v), _thaw, lambda v, p: _freeze(_thaw(v)))


# --- NoneOneOrMany and OneOrMany ------------------------------------------------------


class Items(tuple):  # type: ignore[type-arg]
    """barter-integration's ``NoneOneOrMany<T>`` or ``OneOrMany<T>``: a tuple
    of the items that also knows serde's variant (``variant``: ``"None"``,
    ``"One"`` or ``"Many"``). Built from a plain sequence, the variant is the
    one Rust's ``FromIterator`` picks: None for no item (Many for a
    ``OneOrMany``), One for one, Many for more; a ``Many`` of fewer items
    (which serde can carry) is kept as such. Equal to another ``Items`` with
    the same variant and items, and to a plain tuple with the same items."""

    __slots__ = ()

    @property
    def variant(self) -> str:
        return _canonical(len(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Items):
            return self.variant == other.variant and tuple.__eq__(self, other)
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (tuple(self),))


class ManyItems(Items):
    """``Items`` serde wrote as ``Many`` although they are fewer than two."""

    __slots__ = ()

    @property
    def variant(self) -> str:
        return "Many"


def _canonical(count: int) -> str:
    return "None" if count == 0 else "One" if count == 1 else "Many"


def items(values: Iterable[T], variant: str | None = None) -> Items:
    """``Items`` of ``values``; ``variant`` forces serde's variant."""
    values = tuple(values)
    if variant is None or variant == _canonical(len(values)):
        return tuple.__new__(Items, values)
    if variant == "Many":
        return tuple.__new__(ManyItems, values)
    count = len(values)
    raise BarterValueError(f"a {variant} of {count} item{'' if count == 1 else 's'} cannot exist")


def _collection(codec: Codec, none: bool) -> Codec:
    load, dump, check = codec.load, codec.dump, codec.check
    names = "`None`, `One`, `Many`" if none else "`One`, `Many`"

    def load_all(value: Any, path: str) -> Items:
        if none and value == "None":
            return items(())
        tag, payload = split_variant(value, path)
        if tag == "One":
            return items((load(payload, f"{path}.One"),))
        if tag == "Many":
            values = _array(payload, f"{path}.Many")
            return items((load(v, f"{path}.Many[{i}]") for i, v in enumerate(values)), "Many")
        fail(path, f"unknown variant `{tag}`, expected one of {names}")

    def dump_all(value: Items) -> Any:
        variant = value.variant
        if variant == "None":
            return "None"
        if variant == "One":
            return {"One": dump(value[0])}
        return {"Many": [dump(v) for v in value]}

    def check_all(value: Any, path: str) -> Items:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            fail(path, f"must be a sequence, got {type(value).__name__}")
        variant = value.variant if isinstance(value, Items) else None
        checked = [check(item, f"{path}[{i}]") for i, item in enumerate(value)]
        if not none and not checked and variant is None:
            variant = "Many"  # OneOrMany has no None: an empty one is a Many
        return items(checked, variant)

    return Codec(load_all, dump_all, check_all, items(()) if none else REQUIRED)


def none_one_or_many(codec: Codec) -> Codec:
    return _collection(codec, none=True)


def one_or_many(codec: Codec) -> Codec:
    return _collection(codec, none=False)


# --- enums ----------------------------------------------------------------------------


def split_variant(value: Any, path: str) -> tuple[str, Any]:
    """An externally tagged enum value: ``(name, payload)``; a unit
    variant's payload is ``UNIT``."""
    if type(value) is str:
        return value, UNIT
    if type(value) is dict:
        if len(value) == 1:
            ((tag, payload),) = value.items()
            return tag, payload
        keys = ", ".join(f"`{key}`" for key in list(value)[:3])
        fail(path, f"expected an enum variant: an object with one key, got keys {keys or 'none'}")
    fail(path, f'expected an enum variant ("Name" or {{"Name": ...}}), got {json_kind(value)}')


class _Unit:
    def __repr__(self) -> str:
        return "UNIT"


#: The payload of a unit variant (written as a bare string).
UNIT: Any = _Unit()

#: How a variant's payload is written: ``"Name"`` (UNIT_VARIANT), ``{"Name":
#: null}`` (NULL_VARIANT: a variant holding ``()`` or a unit struct),
#: ``{"Name": <the one field>}`` (NEWTYPE), ``{"Name": {fields}}`` (STRUCT).
UNIT_VARIANT, NULL_VARIANT, NEWTYPE, STRUCT = "unit", "null", "newtype", "struct"


def schema(**fields: Codec) -> Mapping[str, Codec]:
    """A class's fields and their codecs, in barter's field order."""
    return MappingProxyType(fields)


def rust_json(value: int, data: Any) -> bytes:
    """serde's bytes of ``data`` (JSON-ready Python values) parsed as the
    barter type the ``BarterEngineValue`` ``value`` names. Floats survive:
    ``json.dumps`` writes the shortest text that reads back as the same f64."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False).encode()
    out = ffi.new("BarterBuffer **")
    check(lib.barter_engine_json_normalize(value, lib.BARTER_JSON_FORMAT_ONE, text, len(text), out))
    return take_buffer(out)


class Serde(Record):
    """A value with serde's JSON shape, declared by ``_schema`` (field name
    to ``Codec``, in barter's field order).

    An enum is a class with ``_variants`` (filled in as its variants are
    defined); a variant subclasses its enum(s) directly and sets ``_tag``
    (barter's variant name) and ``_shape``. A variant can itself be an enum
    (``EngineError::Unrecoverable(UnrecoverableEngineError)``). ``to_dict``
    writes a variant as a value of its outermost enum, and every class's
    ``from_dict`` reads that form. Where a variant class is the declared
    type of a field (``of(PublicTrade)``), its payload alone is written."""

    __slots__ = ()
    _schema: ClassVar[Mapping[str, Codec]] = MappingProxyType({})
    _codecs: ClassVar[tuple[Codec, ...]] = ()
    _tag: ClassVar[str | None] = None
    _shape: ClassVar[str] = STRUCT
    _variants: ClassVar[dict[str, type[Serde]]]
    #: The ``BarterEngineValue`` Rust parses this type's JSON as (0: none).
    _json_value: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "_schema" in cls.__dict__:
            cls._fields = tuple(cls._schema)
            cls.__match_args__ = cls._fields  # type: ignore[attr-defined,misc]
            cls._codecs = tuple(cls._schema.values())
        super().__init_subclass__(**kwargs)
        tag = cls.__dict__.get("_tag")
        if tag is not None:
            for base in _enums_of(cls):
                base._variants[tag] = cls

    def __new__(cls: type[S], *args: Any, **kwargs: Any) -> S:
        if "_variants" in cls.__dict__ or (cls._tag is None and not cls._schema):
            raise TypeError(f"{cls.__name__} is abstract; build one of its variants")
        fields = cls._fields
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__} takes {len(fields)} arguments, got {len(args)}")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in cls._schema or name in values:
                raise TypeError(f"{cls.__name__}: unexpected or repeated argument {name!r}")
            values[name] = value
        checked = []
        for name, codec in zip(fields, cls._codecs):
            if name in values:
                checked.append(codec.check(values[name], f"{cls.__name__}.{name}"))
            elif codec.default is REQUIRED:
                raise TypeError(f"{cls.__name__}: missing argument {name!r}")
            else:
                checked.append(codec.default)
        return make(cls, tuple(checked))

    # --- reading ---

    @classmethod
    def from_dict(cls: type[S], data: Any) -> S:
        """Reads serde's JSON value (``json.loads`` output); a wrong shape
        raises ``BarterValueError`` naming the path of the problem."""
        root: type[Serde] = cls
        while _enums_of(root):
            root = _enums_of(root)[0]
        value = load(root, data, cls.__name__)
        if not isinstance(value, cls):
            fail(cls.__name__, f"is a {type(value).__name__}, not a {cls.__name__}")
        return value

    @classmethod
    def _load_payload(cls: type[S], payload: Any, path: str) -> S:
        shape = cls._shape
        if shape in (UNIT_VARIANT, NULL_VARIANT):
            expected = UNIT if shape == UNIT_VARIANT else None
            if payload is not expected:
                form = f'"{cls._tag}"' if shape == UNIT_VARIANT else f'{{"{cls._tag}": null}}'
                fail(path, f"expected {form}, got {json_kind(payload)}")
            return make(cls, ())
        if payload is UNIT:
            fail(path, f"variant `{cls._tag}` needs a payload")
        if shape == NEWTYPE:
            return make(cls, (cls._codecs[0].load(payload, path),))
        if type(payload) is not dict:
            fail(path, f"expected an object, got {json_kind(payload)}")
        values: list[Any] = []
        for name, codec in zip(cls._fields, cls._codecs):
            try:
                item = payload[name]
            except KeyError:
                if codec.default is not None:  # only an Option may be missing
                    fail(path, f"missing field `{name}`")
                values.append(None)
                continue
            values.append(codec.load(item, f"{path}.{name}"))
        return make(cls, tuple(values))

    # --- writing ---

    def to_dict(self) -> Any:
        """Exactly ``json.loads`` of serde's JSON for this value."""
        return dump(self, None)

    def to_json(self) -> bytes:
        """serde's exact bytes for this value: Rust parses ``to_dict()`` into
        barter's type and prints it, so the JSON is checked as well."""
        if not self._json_value:
            raise BarterValueError(f"{type(self).__name__} has no JSON of its own in the ABI")
        return rust_json(self._json_value, self.to_dict())

    def _dump_payload(self) -> Any:
        shape = self._shape
        if shape == UNIT_VARIANT:
            return UNIT
        if shape == NULL_VARIANT:
            return None
        if shape == NEWTYPE:
            return self._codecs[0].dump(self[0])
        return {name: codec.dump(v) for name, codec, v in zip(self._fields, self._codecs, self)}


def _enums_of(cls: type[Any]) -> list[type[Serde]]:
    """The enums ``cls`` is a variant of: its direct bases that are enums."""
    return [base for base in cls.__bases__ if "_variants" in base.__dict__]


def load(cls: type[S], value: Any, path: str) -> S:
    """A ``cls`` from serde's JSON: a struct's fields, or down an enum's
    variants to the leaf that holds the payload."""
    current: type[Serde] = cls
    while "_variants" in current.__dict__:
        tag, value = split_variant(value, path)
        variant = current._variants.get(tag)
        if variant is None:
            names = ", ".join(f"`{name}`" for name in current._variants)
            fail(path, f"unknown variant `{tag}`, expected one of {names}")
        current, path = variant, f"{path}.{tag}"
    return cast(S, current._load_payload(value, path))  # a variant of cls


def dump(value: Serde, root: type[Serde] | None) -> Any:
    """serde's JSON of ``value`` as a value of the enum ``root`` (``None``:
    its outermost enum), or of its own struct type."""
    out = value._dump_payload()
    cls: type[Serde] = type(value)
    # A variant class can also be the declared type of a field (a newtype
    # variant's struct, reused): then it is written untagged.
    while cls is not root and cls._tag is not None:
        out = cls._tag if out is UNIT else {cls._tag: out}
        enums = _enums_of(cls)
        if root in enums or not enums:
            break
        cls = enums[0]
    return out


def of(cls: type[Serde]) -> Codec:
    """The codec of a ``Serde`` class in a field declared with that type."""

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, cls):
            fail(path, f"must be a {cls.__name__}, got {type(value).__name__}")
        return value

    return Codec(lambda v, p: load(cls, v, p), lambda v: dump(v, cls), check)


def message(cls: Any) -> Codec:
    """A ``barter_python.execution`` class (indexed keys), read through Rust's
    serde parser: the one model of execution values."""

    def load_message(value: Any, path: str) -> Any:
        if type(value) is not dict:
            fail(path, f"expected an object, got {json_kind(value)}")
        try:
            return cls.from_dict(value)
        except BarterValueError as exc:
            fail(path, exc.message)

    def check(value: Any, path: str) -> Any:
        if type(value) is not cls:
            fail(path, f"must be a {cls.__name__}, got {type(value).__name__}")
        return value

    return Codec(load_message, lambda v: v.to_dict(), check)


def result(ok: type[Serde], err: type[Serde]) -> Codec:
    """``Result<T, E>``: ``{"Ok": t}`` or ``{"Err": e}``. In Python the value
    itself, a ``T`` or an ``E`` (the two types are distinct classes)."""
    ok_codec, err_codec = of(ok), of(err)

    def load_result(value: Any, path: str) -> Any:
        tag, payload = split_variant(value, path)
        if tag == "Ok":
            return ok_codec.load(payload, f"{path}.Ok")
        if tag == "Err":
            return err_codec.load(payload, f"{path}.Err")
        fail(path, f"unknown variant `{tag}`, expected one of `Ok`, `Err`")

    def dump_result(value: Any) -> Any:
        if isinstance(value, ok):
            return {"Ok": ok_codec.dump(value)}
        return {"Err": err_codec.dump(value)}

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, (ok, err)):
            fail(path, f"must be a {ok.__name__} or a {err.__name__}, got {type(value).__name__}")
        return value

    return Codec(load_result, dump_result, check)


SIDE = enum_codec(
    Side,
    {
        "buy": Side.BUY,
        "BUY": Side.BUY,
        "b": Side.BUY,
        "sell": Side.SELL,
        "SELL": Side.SELL,
        "s": Side.SELL,
    },
)


# --- batches ----------------------------------------------------------------------------


def _text(data: str | bytes | bytearray | memoryview) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BarterValueError(
                f"input is not valid UTF-8: {exc.reason} at byte {exc.start}"
            ) from None
    raise BarterValueError(f"JSON input must be str or bytes, got {type(data).__name__}")


def _parse(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise BarterValueError(f"{where}invalid JSON: {exc}") from None


def from_json_lines(cls: type[S], data: str | bytes | bytearray | memoryview) -> list[S]:
    """One ``cls`` per line of JSON (blank lines skipped); a bad line raises
    ``BarterValueError`` starting ``line N:``."""
    out = []
    for number, line in enumerate(_text(data).splitlines(), 1):
        if line.strip():
            where = f"line {number}: "
            value = _parse(line, where)
            try:
                out.append(load(cls, value, cls.__name__))
            except BarterValueError as exc:
                raise BarterValueError(where + exc.message) from None
    return out


def from_json_array(cls: type[S], data: str | bytes | bytearray | memoryview) -> list[S]:
    """The ``cls`` values of a JSON array; an error names the item's index."""
    values = _parse(_text(data), "")
    return list(seq(of(cls)).load(values, cls.__name__))
