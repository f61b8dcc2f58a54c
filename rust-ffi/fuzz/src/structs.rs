//! Structure-aware input: C structs filled from fuzzer bytes with arbitrary
//! tags, flags, numbers and lengths, the way a buggy or hostile caller (or a
//! Python binding) could fill them, but keeping the one promise the ABI asks
//! of its callers: every pointer is NULL or points to memory that is valid
//! for the length given. String views point into a buffer of fuzzer bytes, a
//! dictionary of names the library knows, or a buffer just around the string
//! limit; arrays are real arrays, or NULL with any length.

use arbitrary::{Result, Unstructured};
use barter_ffi::ctypes::account::{
    BarterAccountEvent, BarterAccountEventPayload, BarterAccountSnapshot, BarterAssetBalance,
    BarterInstrumentSnapshot, BarterTrade,
};
use barter_ffi::ctypes::decimal::BarterDecimal;
use barter_ffi::ctypes::key::{BarterKey, BarterOrderKey};
use barter_ffi::ctypes::market::{
    BarterCandle, BarterDataError, BarterDataKindPayload, BarterLevel, BarterLiquidation,
    BarterMarketEvent, BarterMarketStreamEvent, BarterMarketStreamPayload, BarterOrderBook,
    BarterOrderBookL1, BarterPublicTrade,
};
use barter_ffi::ctypes::order::{BarterOrderResponseOpen, BarterOrderSnapshot};
use barter_ffi::ctypes::order_error::BarterOrderError;
use barter_ffi::ctypes::order_event::{
    BarterOrderEvent, BarterOrderRequestCancel, BarterOrderRequestOpen, BarterOrderResponseCancel,
};
use barter_ffi::ctypes::order_result::BarterOrderResult;
use barter_ffi::ctypes::order_state::BarterOrderState;
use barter_ffi::ctypes::request::{BarterRequestCancel, BarterRequestOpen, BarterTimeInForce};
use barter_ffi::ctypes::strings::BarterStr;
use barter_ffi::ctypes::timestamp::BarterTimestamp;
use barter_ffi::limits::BARTER_MAX_STRING_BYTES;
use barter_ffi::system::filter::{BarterInstrumentFilter, BarterInstrumentFilterKind};
use std::any::Any;
use std::ffi::c_void;
use std::sync::OnceLock;

/// Names and texts the library gives meaning to, so views hit the paths
/// behind a successful lookup too (exchange ids, UTF-8 edge cases).
const DICTIONARY: &[&[u8]] = &[
    b"binance_spot",
    b"coinbase",
    b"kraken",
    b"okx",
    b"bybit_perpetuals_usd",
    b"mock",
    b"simulated",
    b"btc",
    b"BTCUSDT",
    b"mm",
    b"cid-42",
    b"ord-1",
    b"a\0b",
    "\u{e9}\u{1f600}".as_bytes(),
    b"\xff\xfe",
    b"\xe2\x82",
    b"",
];

fn view(bytes: &[u8]) -> BarterStr {
    BarterStr {
        ptr: bytes.as_ptr(),
        len: bytes.len(),
    }
}

/// A buffer of ASCII one byte longer than the string limit, for views at
/// and around it.
fn big() -> &'static [u8] {
    static BIG: OnceLock<Vec<u8>> = OnceLock::new();
    BIG.get_or_init(|| vec![b'x'; BARTER_MAX_STRING_BYTES + 1])
}

/// Fills C structs from fuzzer bytes and keeps every buffer and array they
/// point into alive for as long as it lives.
pub struct Gen<'a, 'u> {
    u: &'u mut Unstructured<'a>,
    text: &'a [u8],
    keep: Vec<Box<dyn Any>>,
    /// Whether an item holds a value serde writes but cannot read back.
    unreadable: bool,
}

impl<'a, 'u> Gen<'a, 'u> {
    /// Takes up to 64 fuzzer bytes as the text that views point into.
    pub fn new(u: &'u mut Unstructured<'a>) -> Result<Self> {
        let len = u.int_in_range(0..=64)?;
        let text = u.bytes(len.min(u.len()))?;
        Ok(Self {
            u,
            text,
            keep: Vec::new(),
            unreadable: false,
        })
    }

    /// Whether something made so far holds a non-finite `f64` (serde_json
    /// writes `null`, which it refuses for an `f64`) or an order book
    /// (barter-data skips a book side's `side` when writing and requires
    /// it when reading): serde's own output of it does not decode.
    pub fn serde_cannot_read_back(&self) -> bool {
        self.unreadable
    }

    /// The fuzzer bytes not yet used, for choices a target makes itself.
    pub fn u(&mut self) -> &mut Unstructured<'a> {
        &mut *self.u
    }

    /// A tag: mostly a known value (1..=max) or 0/max+1, sometimes any u32.
    pub fn tag(&mut self, max: u32) -> Result<u32> {
        Ok(match self.u.int_in_range(0..=15)? {
            0 => self.u.arbitrary()?,
            1 => 0,
            2 => max + 1,
            _ => self.u.int_in_range(1..=max)?,
        })
    }

    /// A 0/1 flag, sometimes any byte.
    fn flag(&mut self) -> Result<u8> {
        Ok(match self.u.int_in_range(0..=7)? {
            0 => self.u.arbitrary()?,
            n => n & 1,
        })
    }

    pub fn count(&mut self, max: usize) -> Result<usize> {
        self.u.int_in_range(0..=max)
    }

    fn str(&mut self) -> Result<BarterStr> {
        let view = match self.u.int_in_range(0..=11)? {
            0 => BarterStr {
                ptr: std::ptr::null(),
                len: 0,
            },
            // NULL with a length: must be refused without a read.
            1 => BarterStr {
                ptr: std::ptr::null(),
                len: self.u.int_in_range(1..=usize::MAX)?,
            },
            // At, below and one over the string limit.
            2 => {
                let len = BARTER_MAX_STRING_BYTES - 1 + self.u.int_in_range(0..=2)?;
                view(&big()[..len])
            }
            3..=6 => {
                let word = *self.u.choose(DICTIONARY)?;
                view(word)
            }
            _ => {
                let start = self.u.int_in_range(0..=self.text.len())?;
                let len = self.u.int_in_range(0..=self.text.len() - start)?;
                view(&self.text[start..start + len])
            }
        };
        Ok(view)
    }

    fn key(&mut self) -> Result<BarterKey> {
        Ok(BarterKey {
            kind: self.tag(3)?,
            reserved: if self.u.ratio(1, 8)? {
                self.u.arbitrary()?
            } else {
                0
            },
            index: self.u.arbitrary()?,
            name: self.str()?,
        })
    }

    /// An indexed key for a System that has `count` (at least 1) keys of
    /// its kind: mostly an index below `count`; one time in `miss + 1` an
    /// index up to 8 past it, and as often any key at all.
    pub fn index_key(&mut self, count: usize, miss: u32) -> Result<BarterKey> {
        Ok(match self.u.int_in_range(0..=miss)? {
            0 => self.key()?,
            1 => BarterKey::index(count + self.u.int_in_range(0..=7)?),
            _ => BarterKey::index(self.u.int_in_range(0..=count - 1)?),
        })
    }

    /// An index of a filter: mostly small (a System's keys and just past
    /// them), sometimes any.
    fn filter_index(&mut self) -> Result<usize> {
        Ok(match self.u.int_in_range(0..=7)? {
            0 => self.u.arbitrary()?,
            _ => self.u.int_in_range(0..=4)?,
        })
    }

    /// barter's `InstrumentFilter` as C: any kind tag, and `indices` NULL
    /// (with any `len`) or a real array kept alive by `self`, with `len` at
    /// most what it holds (pairs for `Underlyings`).
    pub fn instrument_filter(&mut self) -> Result<BarterInstrumentFilter> {
        let kind = self.tag(4)?;
        let reserved = if self.u.ratio(1, 16)? {
            self.u.arbitrary()?
        } else {
            0
        };
        let width = if kind == BarterInstrumentFilterKind::Underlyings as u32 {
            2
        } else {
            1
        };
        let (indices, len) = match self.u.int_in_range(0..=7)? {
            0 => (std::ptr::null(), 0),
            1 => (std::ptr::null(), self.u.arbitrary()?),
            _ => {
                let held = self.u.int_in_range(0..=6)?;
                let values = (0..held)
                    .map(|_| self.filter_index())
                    .collect::<Result<Vec<usize>>>()?;
                let len = self.u.int_in_range(0..=held / width)?;
                (self.keep_vec(values).0, len)
            }
        };
        Ok(BarterInstrumentFilter {
            kind,
            reserved,
            len,
            indices,
        })
    }

    fn decimal(&mut self) -> Result<BarterDecimal> {
        Ok(BarterDecimal {
            mantissa_lo: self.u.arbitrary()?,
            mantissa_hi: self.u.arbitrary()?,
            scale: if self.u.ratio(7, 8)? {
                self.u.int_in_range(0..=28)?
            } else {
                self.u.arbitrary()?
            },
            negative: self.flag()?,
            reserved: 0,
        })
    }

    fn timestamp(&mut self) -> Result<BarterTimestamp> {
        Ok(BarterTimestamp {
            seconds: match self.u.int_in_range(0..=3)? {
                0 => self.u.arbitrary()?,
                // chrono's range is about ±8.3e12 seconds.
                _ => self
                    .u
                    .int_in_range(-9_000_000_000_000..=9_000_000_000_000)?,
            },
            nanos: match self.u.int_in_range(0..=3)? {
                0 => self.u.arbitrary()?,
                1 => self.u.int_in_range(1_000_000_000..=1_999_999_999)?,
                _ => self.u.int_in_range(0..=999_999_999)?,
            },
            reserved: 0,
        })
    }

    fn order_key(&mut self) -> Result<BarterOrderKey> {
        Ok(BarterOrderKey {
            exchange: self.key()?,
            instrument: self.key()?,
            strategy: self.str()?,
            cid: self.str()?,
        })
    }

    fn order_error(&mut self) -> Result<BarterOrderError> {
        Ok(BarterOrderError {
            kind: self.tag(10)?,
            reserved: 0,
            key: self.key()?,
            message: self.str()?,
        })
    }

    fn order_state(&mut self) -> Result<BarterOrderState> {
        Ok(BarterOrderState {
            kind: self.tag(7)?,
            has_order: self.flag()?,
            reserved: [0; 3],
            id: self.str()?,
            time_exchange: self.timestamp()?,
            filled_quantity: self.decimal()?,
            error: self.order_error()?,
        })
    }

    pub fn order_event(&mut self) -> Result<BarterOrderEvent> {
        Ok(BarterOrderEvent {
            key: self.order_key()?,
            state: self.order_state()?,
        })
    }

    fn request_open(&mut self) -> Result<BarterRequestOpen> {
        Ok(BarterRequestOpen {
            side: self.tag(2)?,
            kind: self.tag(2)?,
            time_in_force: BarterTimeInForce {
                kind: self.tag(4)?,
                post_only: self.flag()?,
                reserved: [0; 3],
            },
            price: self.decimal()?,
            quantity: self.decimal()?,
        })
    }

    pub fn order_request_open(&mut self) -> Result<BarterOrderRequestOpen> {
        Ok(BarterOrderRequestOpen {
            key: self.order_key()?,
            state: self.request_open()?,
        })
    }

    pub fn order_request_cancel(&mut self) -> Result<BarterOrderRequestCancel> {
        Ok(BarterOrderRequestCancel {
            key: self.order_key()?,
            state: BarterRequestCancel {
                has_id: self.flag()?,
                reserved: [0; 7],
                id: self.str()?,
            },
        })
    }

    fn order_result(&mut self) -> Result<BarterOrderResult> {
        Ok(BarterOrderResult {
            kind: self.tag(2)?,
            reserved: 0,
            id: self.str()?,
            time_exchange: self.timestamp()?,
            filled_quantity: self.decimal()?,
            error: self.order_error()?,
        })
    }

    fn order_snapshot(&mut self) -> Result<BarterOrderSnapshot> {
        Ok(BarterOrderSnapshot {
            key: self.order_key()?,
            order: self.request_open()?,
            state: self.order_state()?,
        })
    }

    fn response_cancel(&mut self) -> Result<BarterOrderResponseCancel> {
        Ok(BarterOrderResponseCancel {
            key: self.order_key()?,
            state: self.order_result()?,
        })
    }

    fn trade(&mut self) -> Result<BarterTrade> {
        Ok(BarterTrade {
            id: self.str()?,
            order_id: self.str()?,
            instrument: self.key()?,
            strategy: self.str()?,
            time_exchange: self.timestamp()?,
            side: self.tag(2)?,
            reserved: 0,
            price: self.decimal()?,
            quantity: self.decimal()?,
            fees_asset: self.key()?,
            fees: self.decimal()?,
        })
    }

    fn asset_balance(&mut self) -> Result<BarterAssetBalance> {
        Ok(BarterAssetBalance {
            asset: self.key()?,
            total: self.decimal()?,
            free: self.decimal()?,
            time_exchange: self.timestamp()?,
        })
    }

    /// A real array of up to 3 items kept alive by `self`, an empty one, or
    /// NULL with any length (which must be refused without a read).
    fn array<T: 'static>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<(*const T, usize)> {
        match self.u.int_in_range(0..=5)? {
            0 => Ok((std::ptr::null(), 0)),
            1 => Ok((std::ptr::null(), self.u.int_in_range(1..=usize::MAX)?)),
            _ => {
                let len = self.u.int_in_range(1..=3)?;
                let items = (0..len)
                    .map(|_| item(&mut *self))
                    .collect::<Result<Vec<T>>>()?;
                Ok(self.keep_vec(items))
            }
        }
    }

    fn keep_vec<T: 'static>(&mut self, items: Vec<T>) -> (*const T, usize) {
        let items = items.into_boxed_slice();
        let view = (items.as_ptr(), items.len());
        self.keep.push(Box::new(items));
        view
    }

    fn instrument_snapshot(&mut self) -> Result<BarterInstrumentSnapshot> {
        let instrument = self.key()?;
        let (orders, orders_len) = self.array(Self::order_snapshot)?;
        Ok(BarterInstrumentSnapshot {
            instrument,
            orders,
            orders_len,
        })
    }

    fn account_snapshot(&mut self) -> Result<BarterAccountSnapshot> {
        let exchange = self.key()?;
        let (balances, balances_len) = self.array(Self::asset_balance)?;
        let (instruments, instruments_len) = self.array(Self::instrument_snapshot)?;
        Ok(BarterAccountSnapshot {
            exchange,
            balances,
            balances_len,
            instruments,
            instruments_len,
        })
    }

    fn account_event(&mut self) -> Result<BarterAccountEvent> {
        let exchange = self.key()?;
        let kind = self.tag(5)?;
        // The payload member `kind` names; an unknown kind gets zeroed bytes
        // (NULL views and arrays of length 0), which are safe to misread.
        // SAFETY: every member is plain data for which all-zero is valid.
        let mut payload: BarterAccountEventPayload = unsafe { std::mem::zeroed() };
        match kind {
            1 => payload.snapshot = self.account_snapshot()?,
            2 => payload.balance = self.asset_balance()?,
            3 => payload.order = self.order_snapshot()?,
            4 => payload.cancelled = self.response_cancel()?,
            5 => payload.trade = self.trade()?,
            _ => {}
        }
        Ok(BarterAccountEvent {
            exchange,
            kind,
            reserved: 0,
            payload,
        })
    }

    fn f64(&mut self) -> Result<f64> {
        let value = match self.u.int_in_range(0..=4)? {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -0.0,
            _ => self.u.arbitrary()?,
        };
        self.unreadable |= !value.is_finite();
        Ok(value)
    }

    fn level(&mut self) -> Result<BarterLevel> {
        Ok(BarterLevel {
            price: self.decimal()?,
            amount: self.decimal()?,
        })
    }

    fn order_book(&mut self) -> Result<BarterOrderBook> {
        self.unreadable = true;
        let (has_time_engine, time_engine) = (self.flag()?, self.timestamp()?);
        let (bids, bids_len) = self.array(Self::level)?;
        let (asks, asks_len) = self.array(Self::level)?;
        Ok(BarterOrderBook {
            sequence: self.u.arbitrary()?,
            has_time_engine,
            reserved: [0; 7],
            time_engine,
            bids,
            bids_len,
            asks,
            asks_len,
        })
    }

    fn market_event(&mut self) -> Result<BarterMarketEvent> {
        let kind = self.tag(6)?;
        // The member `kind` names; an unknown kind gets zeroed bytes.
        // SAFETY: every member is plain data for which all-zero is valid.
        let mut data: BarterDataKindPayload = unsafe { std::mem::zeroed() };
        match kind {
            1 => {
                data.trade = BarterPublicTrade {
                    id: self.str()?,
                    price: self.f64()?,
                    amount: self.f64()?,
                    side: self.tag(2)?,
                    reserved: 0,
                }
            }
            2 => {
                data.l1 = BarterOrderBookL1 {
                    last_update_time: self.timestamp()?,
                    has_best_bid: self.flag()?,
                    has_best_ask: self.flag()?,
                    reserved: [0; 6],
                    best_bid: self.level()?,
                    best_ask: self.level()?,
                }
            }
            3 | 4 => data.book = self.order_book()?,
            5 => {
                data.candle = BarterCandle {
                    close_time: self.timestamp()?,
                    open: self.f64()?,
                    high: self.f64()?,
                    low: self.f64()?,
                    close: self.f64()?,
                    volume: self.f64()?,
                    trade_count: self.u.arbitrary()?,
                }
            }
            6 => {
                data.liquidation = BarterLiquidation {
                    side: self.tag(2)?,
                    reserved: 0,
                    price: self.f64()?,
                    quantity: self.f64()?,
                    time: self.timestamp()?,
                }
            }
            _ => {}
        }
        Ok(BarterMarketEvent {
            time_exchange: self.timestamp()?,
            time_received: self.timestamp()?,
            exchange: self.key()?,
            instrument: self.key()?,
            kind,
            reserved: 0,
            data,
        })
    }

    pub fn market_stream_event(&mut self) -> Result<BarterMarketStreamEvent> {
        let kind = self.tag(3)?;
        // SAFETY: every member is plain data for which all-zero is valid.
        let mut payload: BarterMarketStreamPayload = unsafe { std::mem::zeroed() };
        match kind {
            1 => payload.event = self.market_event()?,
            2 => payload.exchange = self.key()?,
            3 => {
                payload.error = BarterDataError {
                    kind: self.tag(10)?,
                    sub_kind: self.tag(6)?,
                    message: self.str()?,
                    exchange: self.key()?,
                    prev_last_update_id: self.u.arbitrary()?,
                    first_update_id: self.u.arbitrary()?,
                }
            }
            _ => {}
        }
        Ok(BarterMarketStreamEvent {
            kind,
            reserved: 0,
            payload,
        })
    }

    /// `len` C structs of the type of `message` (1..=12), kept alive by
    /// `self`; for an unknown message, order events.
    pub fn items(&mut self, message: u32, len: usize) -> Result<*const c_void> {
        macro_rules! build {
            ($make:expr) => {{
                let items = (0..len)
                    .map(|_| $make(&mut *self))
                    .collect::<Result<Vec<_>>>()?;
                self.keep_vec(items).0.cast::<c_void>()
            }};
        }
        Ok(match message {
            2 => build!(Self::order_request_open),
            3 => build!(Self::order_request_cancel),
            4 => build!(Self::response_cancel),
            5 => build!(Self::order_snapshot),
            6 => build!(|g: &mut Self| -> Result<_> {
                Ok(BarterOrderResponseOpen {
                    key: g.order_key()?,
                    order: g.request_open()?,
                    state: g.order_result()?,
                })
            }),
            7 => build!(Self::trade),
            8 => build!(Self::asset_balance),
            9 => build!(Self::account_snapshot),
            10 => build!(Self::account_event),
            11 | 12 => build!(Self::market_stream_event),
            _ => build!(Self::order_event),
        })
    }
}
