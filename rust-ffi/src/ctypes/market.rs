//! `BarterMarketStreamEvent`: one item of a barter-data market stream, the
//! reconnect `Event` around a `MarketEvent` of any `DataKind`
//! (`MarketStreamEvent`), or around its `Result` with a `DataError`
//! (`MarketStreamResult`). Both stream types share the struct, so a reader
//! of either handles one layout.

use super::arena::Arena;
use super::decimal::BarterDecimal;
use super::key::{smol, BarterKey};
use super::request::{side_from_c, side_to_c};
use super::strings::BarterStr;
use super::timestamp::BarterTimestamp;
use super::{c_tag, flag, FromC, ToC};
use crate::status::{at, FfiError};
use barter_data::books::{Level, OrderBook};
use barter_data::error::DataError;
use barter_data::event::{DataKind, MarketEvent};
use barter_data::streams::reconnect::Event;
use barter_data::subscription::book::{OrderBookEvent, OrderBookL1};
use barter_data::subscription::candle::Candle;
use barter_data::subscription::liquidation::Liquidation;
use barter_data::subscription::trade::PublicTrade;
use barter_data::subscription::SubKind;
use barter_instrument::exchange::ExchangeId;
use barter_instrument::index::error::IndexError;
use barter_integration::subscription::SubscriptionId;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// `Level { price, amount }` of an order book.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct BarterLevel {
    pub price: BarterDecimal,
    pub amount: BarterDecimal,
}

/// `PublicTrade { id, price, amount, side }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterPublicTrade {
    pub id: BarterStr,
    pub price: f64,
    pub amount: f64,
    /// A `BarterSide`.
    pub side: u32,
    /// Set to zero.
    pub reserved: u32,
}

/// `OrderBookL1 { last_update_time, best_bid, best_ask }`; a level is
/// there when its `has_` flag is 1.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderBookL1 {
    pub last_update_time: BarterTimestamp,
    pub has_best_bid: u8,
    pub has_best_ask: u8,
    /// Set to zero.
    pub reserved: [u8; 6],
    pub best_bid: BarterLevel,
    pub best_ask: BarterLevel,
}

/// barter-data's L2 `OrderBook`, the payload of a snapshot or an update.
/// Levels are best first. From C the book is built by `OrderBook::new`,
/// which sorts each side as barter keeps it (bids high to low, asks low
/// to high).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderBook {
    pub sequence: u64,
    /// 1 when `time_engine` holds a time, 0 for `None`.
    pub has_time_engine: u8,
    /// Set to zero.
    pub reserved: [u8; 7],
    pub time_engine: BarterTimestamp,
    pub bids: *const BarterLevel,
    pub bids_len: usize,
    pub asks: *const BarterLevel,
    pub asks_len: usize,
}

/// `Candle { close_time, open, high, low, close, volume, trade_count }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterCandle {
    pub close_time: BarterTimestamp,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    pub trade_count: u64,
}

/// `Liquidation { side, price, quantity, time }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterLiquidation {
    /// A `BarterSide`.
    pub side: u32,
    /// Set to zero.
    pub reserved: u32,
    pub price: f64,
    pub quantity: f64,
    pub time: BarterTimestamp,
}

/// The leaf of a `DataKind`, naming the `BarterDataKindPayload` member in use.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterDataKind {
    /// `Trade(PublicTrade)`: `data.trade`.
    Trade = 1,
    /// `OrderBookL1`: `data.l1`.
    OrderBookL1 = 2,
    /// `OrderBook(OrderBookEvent::Snapshot(book))`: `data.book`.
    OrderBookSnapshot = 3,
    /// `OrderBook(OrderBookEvent::Update(book))`: `data.book`.
    OrderBookUpdate = 4,
    /// `Candle`: `data.candle`.
    Candle = 5,
    /// `Liquidation`: `data.liquidation`.
    Liquidation = 6,
}

c_tag!(BarterDataKind {
    Trade,
    OrderBookL1,
    OrderBookSnapshot,
    OrderBookUpdate,
    Candle,
    Liquidation
});

/// The payload of a `DataKind`; the event's `kind` says which member is valid.
#[repr(C)]
#[derive(Clone, Copy)]
pub union BarterDataKindPayload {
    pub trade: BarterPublicTrade,
    pub l1: BarterOrderBookL1,
    pub book: BarterOrderBook,
    pub candle: BarterCandle,
    pub liquidation: BarterLiquidation,
}

/// `MarketEvent { time_exchange, time_received, exchange, instrument, kind }`.
/// `exchange` is always an `ExchangeId` name; `instrument` is an
/// `InstrumentIndex` or an exchange's instrument name, as `BarterKeys` says.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct BarterMarketEvent {
    pub time_exchange: BarterTimestamp,
    pub time_received: BarterTimestamp,
    pub exchange: BarterKey,
    pub instrument: BarterKey,
    /// A `BarterDataKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    pub data: BarterDataKindPayload,
}

/// barter-data's `SubKind`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterSubKind {
    PublicTrades = 1,
    OrderBooksL1 = 2,
    OrderBooksL2 = 3,
    OrderBooksL3 = 4,
    Liquidations = 5,
    Candles = 6,
}

c_tag!(BarterSubKind {
    PublicTrades,
    OrderBooksL1,
    OrderBooksL2,
    OrderBooksL3,
    Liquidations,
    Candles
});

/// The leaf of a `DataError`, and the fields it uses.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterDataErrorKind {
    /// `Index(IndexError::ExchangeIndex(message))`.
    IndexExchange = 1,
    /// `Index(IndexError::AssetIndex(message))`.
    IndexAsset = 2,
    /// `Index(IndexError::InstrumentIndex(message))`.
    IndexInstrument = 3,
    /// `SubscriptionsEmpty`: no field.
    SubscriptionsEmpty = 4,
    /// `UnsupportedSubKind(sub_kind)`.
    UnsupportedSubKind = 5,
    /// `InitialSnapshotMissing(SubscriptionId(message))`.
    InitialSnapshotMissing = 6,
    /// `InitialSnapshotInvalid(message)`.
    InitialSnapshotInvalid = 7,
    /// `Socket(message)`.
    Socket = 8,
    /// `Unsupported { exchange, sub_kind }`.
    Unsupported = 9,
    /// `InvalidSequence { prev_last_update_id, first_update_id }`.
    InvalidSequence = 10,
}

c_tag!(BarterDataErrorKind {
    IndexExchange,
    IndexAsset,
    IndexInstrument,
    SubscriptionsEmpty,
    UnsupportedSubKind,
    InitialSnapshotMissing,
    InitialSnapshotInvalid,
    Socket,
    Unsupported,
    InvalidSequence
});

/// A `DataError`: fields its kind does not use are zero.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterDataError {
    /// A `BarterDataErrorKind`.
    pub kind: u32,
    /// A `BarterSubKind`, for `UnsupportedSubKind` and `Unsupported`.
    pub sub_kind: u32,
    pub message: BarterStr,
    /// An `ExchangeId` name, for `Unsupported`.
    pub exchange: BarterKey,
    pub prev_last_update_id: u64,
    pub first_update_id: u64,
}

/// What a `BarterMarketStreamEvent` holds.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterMarketStreamKind {
    /// `Item(event)` (`Item(Ok(event))` of a result stream): `payload.event`.
    Item = 1,
    /// `Reconnecting(exchange)`: `payload.exchange`, an `ExchangeId` name.
    Reconnecting = 2,
    /// `Item(Err(error))`, only in a `MarketStreamResult`: `payload.error`.
    Error = 3,
}

c_tag!(BarterMarketStreamKind {
    Item,
    Reconnecting,
    Error
});

/// The payload of a market stream item; `kind` says which member is valid.
#[repr(C)]
#[derive(Clone, Copy)]
pub union BarterMarketStreamPayload {
    pub event: BarterMarketEvent,
    pub exchange: BarterKey,
    pub error: BarterDataError,
}

/// One item of a market stream (`MarketStreamEvent` or `MarketStreamResult`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct BarterMarketStreamEvent {
    /// A `BarterMarketStreamKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    pub payload: BarterMarketStreamPayload,
}

// --- to C ------------------------------------------------------------------------------

fn timestamp(value: &DateTime<Utc>) -> BarterTimestamp {
    (*value).into()
}

fn level(value: &Level) -> BarterLevel {
    BarterLevel {
        price: value.price.into(),
        amount: value.amount.into(),
    }
}

fn book_to_c(book: &OrderBook, arena: &mut Arena) -> Result<BarterOrderBook, FfiError> {
    let bids = book.bids().levels().iter().map(level).collect();
    let asks = book.asks().levels().iter().map(level).collect();
    let (bids, bids_len) = arena.keep_slice(bids)?;
    let (asks, asks_len) = arena.keep_slice(asks)?;
    let time_engine = book.time_engine();
    Ok(BarterOrderBook {
        sequence: book.sequence(),
        has_time_engine: u8::from(time_engine.is_some()),
        reserved: [0; 7],
        time_engine: time_engine.map(Into::into).unwrap_or_default(),
        bids,
        bids_len,
        asks,
        asks_len,
    })
}

fn data_to_c(
    kind: &DataKind,
    arena: &mut Arena,
) -> Result<(BarterDataKind, BarterDataKindPayload), FfiError> {
    use BarterDataKind as K;
    Ok(match kind {
        DataKind::Trade(trade) => (
            K::Trade,
            BarterDataKindPayload {
                trade: BarterPublicTrade {
                    id: arena.push(&trade.id).map_err(at("id"))?,
                    price: trade.price,
                    amount: trade.amount,
                    side: side_to_c(trade.side),
                    reserved: 0,
                },
            },
        ),
        DataKind::OrderBookL1(l1) => (
            K::OrderBookL1,
            BarterDataKindPayload {
                l1: BarterOrderBookL1 {
                    last_update_time: timestamp(&l1.last_update_time),
                    has_best_bid: u8::from(l1.best_bid.is_some()),
                    has_best_ask: u8::from(l1.best_ask.is_some()),
                    reserved: [0; 6],
                    best_bid: l1.best_bid.as_ref().map(level).unwrap_or_default(),
                    best_ask: l1.best_ask.as_ref().map(level).unwrap_or_default(),
                },
            },
        ),
        DataKind::OrderBook(OrderBookEvent::Snapshot(book)) => (
            K::OrderBookSnapshot,
            BarterDataKindPayload {
                book: book_to_c(book, arena)?,
            },
        ),
        DataKind::OrderBook(OrderBookEvent::Update(book)) => (
            K::OrderBookUpdate,
            BarterDataKindPayload {
                book: book_to_c(book, arena)?,
            },
        ),
        DataKind::Candle(candle) => (
            K::Candle,
            BarterDataKindPayload {
                candle: BarterCandle {
                    close_time: timestamp(&candle.close_time),
                    open: candle.open,
                    high: candle.high,
                    low: candle.low,
                    close: candle.close,
                    volume: candle.volume,
                    trade_count: candle.trade_count,
                },
            },
        ),
        DataKind::Liquidation(liquidation) => (
            K::Liquidation,
            BarterDataKindPayload {
                liquidation: BarterLiquidation {
                    side: side_to_c(liquidation.side),
                    reserved: 0,
                    price: liquidation.price,
                    quantity: liquidation.quantity,
                    time: timestamp(&liquidation.time),
                },
            },
        ),
    })
}

impl<I: ToC<C = BarterKey>> ToC for MarketEvent<I, DataKind> {
    type C = BarterMarketEvent;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterMarketEvent, FfiError> {
        let (kind, data) = data_to_c(&self.kind, arena).map_err(at("kind"))?;
        Ok(BarterMarketEvent {
            time_exchange: timestamp(&self.time_exchange),
            time_received: timestamp(&self.time_received),
            exchange: self.exchange.to_c(arena).map_err(at("exchange"))?,
            instrument: self.instrument.to_c(arena).map_err(at("instrument"))?,
            kind: kind as u32,
            reserved: 0,
            data,
        })
    }
}

fn sub_kind_to_c(value: SubKind) -> u32 {
    (match value {
        SubKind::PublicTrades => BarterSubKind::PublicTrades,
        SubKind::OrderBooksL1 => BarterSubKind::OrderBooksL1,
        SubKind::OrderBooksL2 => BarterSubKind::OrderBooksL2,
        SubKind::OrderBooksL3 => BarterSubKind::OrderBooksL3,
        SubKind::Liquidations => BarterSubKind::Liquidations,
        SubKind::Candles => BarterSubKind::Candles,
    }) as u32
}

impl ToC for DataError {
    type C = BarterDataError;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterDataError, FfiError> {
        use BarterDataErrorKind as K;
        let mut c = BarterDataError {
            kind: 0,
            sub_kind: 0,
            message: BarterStr::EMPTY,
            exchange: BarterKey::index(0),
            prev_last_update_id: 0,
            first_update_id: 0,
        };
        let (kind, message) = match self {
            DataError::Index(IndexError::ExchangeIndex(message)) => {
                (K::IndexExchange, message.as_str())
            }
            DataError::Index(IndexError::AssetIndex(message)) => (K::IndexAsset, message.as_str()),
            DataError::Index(IndexError::InstrumentIndex(message)) => {
                (K::IndexInstrument, message.as_str())
            }
            DataError::SubscriptionsEmpty => (K::SubscriptionsEmpty, ""),
            DataError::UnsupportedSubKind(sub_kind) => {
                c.sub_kind = sub_kind_to_c(*sub_kind);
                (K::UnsupportedSubKind, "")
            }
            DataError::InitialSnapshotMissing(SubscriptionId(id)) => {
                (K::InitialSnapshotMissing, id.as_str())
            }
            DataError::InitialSnapshotInvalid(message) => {
                (K::InitialSnapshotInvalid, message.as_str())
            }
            DataError::Socket(message) => (K::Socket, message.as_str()),
            DataError::Unsupported { exchange, sub_kind } => {
                c.exchange = exchange.to_c(arena).map_err(at("exchange"))?;
                c.sub_kind = sub_kind_to_c(*sub_kind);
                (K::Unsupported, "")
            }
            DataError::InvalidSequence {
                prev_last_update_id,
                first_update_id,
            } => {
                c.prev_last_update_id = *prev_last_update_id;
                c.first_update_id = *first_update_id;
                (K::InvalidSequence, "")
            }
        };
        c.kind = kind as u32;
        c.message = arena.push(message).map_err(at("message"))?;
        Ok(c)
    }
}

fn stream_item(
    kind: BarterMarketStreamKind,
    payload: BarterMarketStreamPayload,
) -> BarterMarketStreamEvent {
    BarterMarketStreamEvent {
        kind: kind as u32,
        reserved: 0,
        payload,
    }
}

fn reconnecting(
    exchange: &ExchangeId,
    arena: &mut Arena,
) -> Result<BarterMarketStreamEvent, FfiError> {
    let exchange = exchange.to_c(arena).map_err(at("Reconnecting"))?;
    Ok(stream_item(
        BarterMarketStreamKind::Reconnecting,
        BarterMarketStreamPayload { exchange },
    ))
}

fn item(event: BarterMarketEvent) -> BarterMarketStreamEvent {
    stream_item(
        BarterMarketStreamKind::Item,
        BarterMarketStreamPayload { event },
    )
}

impl<I: ToC<C = BarterKey>> ToC for Event<ExchangeId, MarketEvent<I, DataKind>> {
    type C = BarterMarketStreamEvent;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterMarketStreamEvent, FfiError> {
        match self {
            Event::Reconnecting(exchange) => reconnecting(exchange, arena),
            Event::Item(event) => Ok(item(event.to_c(arena).map_err(at("Item"))?)),
        }
    }
}

impl<I: ToC<C = BarterKey>> ToC for Event<ExchangeId, Result<MarketEvent<I, DataKind>, DataError>> {
    type C = BarterMarketStreamEvent;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterMarketStreamEvent, FfiError> {
        match self {
            Event::Reconnecting(exchange) => reconnecting(exchange, arena),
            Event::Item(Ok(event)) => Ok(item(event.to_c(arena).map_err(at("Item.Ok"))?)),
            Event::Item(Err(error)) => Ok(stream_item(
                BarterMarketStreamKind::Error,
                BarterMarketStreamPayload {
                    error: error.to_c(arena).map_err(at("Item.Err"))?,
                },
            )),
        }
    }
}

// --- from C ----------------------------------------------------------------------------

fn instant(value: BarterTimestamp, field: &str) -> Result<DateTime<Utc>, FfiError> {
    DateTime::try_from(value).map_err(at(field))
}

fn decimal(value: BarterDecimal, field: &str) -> Result<Decimal, FfiError> {
    Decimal::try_from(value).map_err(at(field))
}

fn level_from_c(c: &BarterLevel, field: &str) -> Result<Level, FfiError> {
    Ok(Level {
        price: decimal(c.price, &format!("{field}.price"))?,
        amount: decimal(c.amount, &format!("{field}.amount"))?,
    })
}

fn optional_level(present: u8, c: &BarterLevel, field: &str) -> Result<Option<Level>, FfiError> {
    if flag(present, &format!("has_{field}"))? {
        level_from_c(c, field).map(Some)
    } else {
        Ok(None)
    }
}

/// # Safety
/// `ptr` must be NULL only if `len` is 0, else valid for reads of `len` levels.
unsafe fn levels(ptr: *const BarterLevel, len: usize, field: &str) -> Result<Vec<Level>, FfiError> {
    // SAFETY: forwarded from the caller.
    let levels = unsafe { crate::batch::input_slice(ptr, len, field) }?;
    levels
        .iter()
        .enumerate()
        .map(|(index, c)| level_from_c(c, &format!("{field}[{index}]")))
        .collect()
}

/// # Safety
/// The level arrays of `c` must be valid for reads of their lengths.
unsafe fn book_from_c(c: &BarterOrderBook) -> Result<OrderBook, FfiError> {
    let time_engine = if flag(c.has_time_engine, "has_time_engine")? {
        Some(instant(c.time_engine, "time_engine")?)
    } else {
        None
    };
    // SAFETY (both): forwarded from the caller.
    let bids = unsafe { levels(c.bids, c.bids_len, "bids") }?;
    let asks = unsafe { levels(c.asks, c.asks_len, "asks") }?;
    Ok(OrderBook::new(c.sequence, time_engine, bids, asks))
}

/// # Safety
/// `kind` must name the member of `data` C wrote, and its views and arrays
/// must be valid for reads.
unsafe fn data_from_c(kind: u32, data: &BarterDataKindPayload) -> Result<DataKind, FfiError> {
    use BarterDataKind as K;
    // SAFETY (each arm): `kind` names the union member C wrote, every member
    // is plain data valid for any bit pattern, and the views and arrays
    // inside are valid per the caller.
    Ok(match K::from_raw(kind)? {
        K::Trade => {
            let c = unsafe { &data.trade };
            DataKind::Trade(PublicTrade {
                id: unsafe { c.id.as_str() }.map_err(at("id"))?.to_owned(),
                price: c.price,
                amount: c.amount,
                side: side_from_c(c.side).map_err(at("side"))?,
            })
        }
        K::OrderBookL1 => {
            let c = unsafe { &data.l1 };
            DataKind::OrderBookL1(OrderBookL1 {
                last_update_time: instant(c.last_update_time, "last_update_time")?,
                best_bid: optional_level(c.has_best_bid, &c.best_bid, "best_bid")?,
                best_ask: optional_level(c.has_best_ask, &c.best_ask, "best_ask")?,
            })
        }
        K::OrderBookSnapshot => DataKind::OrderBook(OrderBookEvent::Snapshot(
            unsafe { book_from_c(&data.book) }.map_err(at("Snapshot"))?,
        )),
        K::OrderBookUpdate => DataKind::OrderBook(OrderBookEvent::Update(
            unsafe { book_from_c(&data.book) }.map_err(at("Update"))?,
        )),
        K::Candle => {
            let c = unsafe { &data.candle };
            DataKind::Candle(Candle {
                close_time: instant(c.close_time, "close_time")?,
                open: c.open,
                high: c.high,
                low: c.low,
                close: c.close,
                volume: c.volume,
                trade_count: c.trade_count,
            })
        }
        K::Liquidation => {
            let c = unsafe { &data.liquidation };
            DataKind::Liquidation(Liquidation {
                side: side_from_c(c.side).map_err(at("side"))?,
                price: c.price,
                quantity: c.quantity,
                time: instant(c.time, "time")?,
            })
        }
    })
}

impl<I: FromC<C = BarterKey>> FromC for MarketEvent<I, DataKind> {
    type C = BarterMarketEvent;
    unsafe fn from_c(c: &BarterMarketEvent) -> Result<Self, FfiError> {
        // SAFETY (all three): forwarded from the caller.
        Ok(MarketEvent {
            time_exchange: instant(c.time_exchange, "time_exchange")?,
            time_received: instant(c.time_received, "time_received")?,
            exchange: unsafe { ExchangeId::from_c(&c.exchange) }.map_err(at("exchange"))?,
            instrument: unsafe { I::from_c(&c.instrument) }.map_err(at("instrument"))?,
            kind: unsafe { data_from_c(c.kind, &c.data) }.map_err(at("kind"))?,
        })
    }
}

fn sub_kind_from_c(raw: u32) -> Result<SubKind, FfiError> {
    Ok(
        match BarterSubKind::from_raw(raw).map_err(at("sub_kind"))? {
            BarterSubKind::PublicTrades => SubKind::PublicTrades,
            BarterSubKind::OrderBooksL1 => SubKind::OrderBooksL1,
            BarterSubKind::OrderBooksL2 => SubKind::OrderBooksL2,
            BarterSubKind::OrderBooksL3 => SubKind::OrderBooksL3,
            BarterSubKind::Liquidations => SubKind::Liquidations,
            BarterSubKind::Candles => SubKind::Candles,
        },
    )
}

impl FromC for DataError {
    type C = BarterDataError;
    unsafe fn from_c(c: &BarterDataError) -> Result<Self, FfiError> {
        use BarterDataErrorKind as K;
        // SAFETY: forwarded from the caller.
        let message = || unsafe { c.message.as_str() }.map_err(at("message"));
        Ok(match K::from_raw(c.kind)? {
            K::IndexExchange => DataError::Index(IndexError::ExchangeIndex(message()?.to_owned())),
            K::IndexAsset => DataError::Index(IndexError::AssetIndex(message()?.to_owned())),
            K::IndexInstrument => {
                DataError::Index(IndexError::InstrumentIndex(message()?.to_owned()))
            }
            K::SubscriptionsEmpty => DataError::SubscriptionsEmpty,
            K::UnsupportedSubKind => DataError::UnsupportedSubKind(sub_kind_from_c(c.sub_kind)?),
            K::InitialSnapshotMissing => {
                DataError::InitialSnapshotMissing(SubscriptionId(smol(message(), "message")?))
            }
            K::InitialSnapshotInvalid => DataError::InitialSnapshotInvalid(message()?.to_owned()),
            K::Socket => DataError::Socket(message()?.to_owned()),
            K::Unsupported => DataError::Unsupported {
                // SAFETY: forwarded from the caller.
                exchange: unsafe { ExchangeId::from_c(&c.exchange) }.map_err(at("exchange"))?,
                sub_kind: sub_kind_from_c(c.sub_kind)?,
            },
            K::InvalidSequence => DataError::InvalidSequence {
                prev_last_update_id: c.prev_last_update_id,
                first_update_id: c.first_update_id,
            },
        })
    }
}

/// The stream item's variant, with its exchange when it is `Reconnecting`.
enum Stream<'a> {
    Reconnecting(ExchangeId),
    Item(&'a BarterMarketEvent),
    Error(&'a BarterDataError),
}

/// # Safety
/// `kind` must name the member of the payload C wrote, and the exchange's
/// view must be valid for reads.
unsafe fn stream_from_c(c: &BarterMarketStreamEvent) -> Result<Stream<'_>, FfiError> {
    // SAFETY (each arm): `kind` names the union member C wrote, and every
    // member is plain data valid for any bit pattern.
    Ok(match BarterMarketStreamKind::from_raw(c.kind)? {
        BarterMarketStreamKind::Reconnecting => Stream::Reconnecting(
            unsafe { ExchangeId::from_c(&c.payload.exchange) }.map_err(at("Reconnecting"))?,
        ),
        BarterMarketStreamKind::Item => Stream::Item(unsafe { &c.payload.event }),
        BarterMarketStreamKind::Error => Stream::Error(unsafe { &c.payload.error }),
    })
}

impl<I: FromC<C = BarterKey>> FromC for Event<ExchangeId, MarketEvent<I, DataKind>> {
    type C = BarterMarketStreamEvent;
    unsafe fn from_c(c: &BarterMarketStreamEvent) -> Result<Self, FfiError> {
        // SAFETY (both): forwarded from the caller.
        Ok(match unsafe { stream_from_c(c) }? {
            Stream::Reconnecting(exchange) => Event::Reconnecting(exchange),
            Stream::Item(event) => {
                Event::Item(unsafe { MarketEvent::from_c(event) }.map_err(at("Item"))?)
            }
            Stream::Error(_) => {
                return Err(FfiError::invalid(
                    "an Error item belongs to a MarketStreamResult, not a MarketStreamEvent",
                ))
            }
        })
    }
}

impl<I: FromC<C = BarterKey>> FromC
    for Event<ExchangeId, Result<MarketEvent<I, DataKind>, DataError>>
{
    type C = BarterMarketStreamEvent;
    unsafe fn from_c(c: &BarterMarketStreamEvent) -> Result<Self, FfiError> {
        // SAFETY (all): forwarded from the caller.
        Ok(match unsafe { stream_from_c(c) }? {
            Stream::Reconnecting(exchange) => Event::Reconnecting(exchange),
            Stream::Item(event) => Event::Item(Ok(
                unsafe { MarketEvent::from_c(event) }.map_err(at("Item.Ok"))?
            )),
            Stream::Error(error) => Event::Item(Err(
                unsafe { DataError::from_c(error) }.map_err(at("Item.Err"))?
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::engine::{event_as_result, market_stream_errors, market_stream_events};
    use barter_data::streams::consumer::{MarketStreamEvent, MarketStreamResult};
    use barter_instrument::instrument::name::InstrumentNameExchange;
    use barter_instrument::instrument::InstrumentIndex;
    use serde::Serialize;

    /// serde's JSON after a trip through C: the comparison that also holds
    /// for NaN prices, which are never equal to themselves.
    fn through_c<T: Serialize + ToC + FromC<C = <T as ToC>::C>>(value: &T) -> (String, String) {
        let mut arena = Arena::with_capacity(1 << 12);
        let c = value.to_c(&mut arena).unwrap();
        // SAFETY: every view points into `arena`, alive here.
        let back = unsafe { T::from_c(&c) }.unwrap();
        (
            serde_json::to_string(value).unwrap(),
            serde_json::to_string(&back).unwrap(),
        )
    }

    fn unindexed(
        event: MarketStreamEvent<InstrumentIndex, DataKind>,
    ) -> MarketStreamEvent<InstrumentNameExchange, DataKind> {
        match event {
            Event::Item(event) => Event::Item(MarketEvent {
                time_exchange: event.time_exchange,
                time_received: event.time_received,
                exchange: event.exchange,
                instrument: InstrumentNameExchange::new(format!("BTC-{}", event.instrument.0)),
                kind: event.kind,
            }),
            Event::Reconnecting(exchange) => Event::Reconnecting(exchange),
        }
    }

    #[test]
    fn every_market_sample_round_trips_through_c_in_both_stream_types_and_key_forms() {
        for (name, event) in market_stream_events() {
            let (before, after) = through_c(&unindexed(event.clone()));
            assert_eq!(before, after, "{name} unindexed");
            let (before, after) = through_c(&event_as_result(event.clone()));
            assert_eq!(before, after, "{name} as a result");
            let (before, after) = through_c(&event);
            assert_eq!(before, after, "{name}");
        }
        for (name, error) in market_stream_errors() {
            let (before, after) = through_c(&error);
            assert_eq!(before, after, "{name}");
        }
    }

    fn trade_item(arena: &mut Arena) -> BarterMarketStreamEvent {
        let (_, event) = market_stream_events().swap_remove(0);
        event.to_c(arena).unwrap()
    }

    fn refused<T: FromC>(c: &T::C) -> String {
        // SAFETY: the views in `c` point into an arena alive in the caller.
        match unsafe { T::from_c(c) } {
            Ok(_) => panic!("accepted"),
            Err(error) => error.message,
        }
    }

    type Indexed = MarketStreamEvent<InstrumentIndex, DataKind>;
    type IndexedResult = MarketStreamResult<InstrumentIndex, DataKind>;

    #[test]
    fn bad_tags_and_flags_are_named() {
        let mut arena = Arena::with_capacity(1 << 12);
        let mut c = trade_item(&mut arena);
        c.kind = 0;
        assert!(refused::<Indexed>(&c).contains("unknown BarterMarketStreamKind value 0"));
        c.kind = BarterMarketStreamKind::Item as u32;
        c.payload.event.kind = 7;
        assert!(refused::<Indexed>(&c).contains("unknown BarterDataKind value 7"));
        c.payload.event.kind = BarterDataKind::Trade as u32;
        c.payload.event.data.trade.side = 3;
        let message = refused::<Indexed>(&c);
        assert!(
            message.contains("side") && message.contains("unknown BarterSide value 3"),
            "{message}"
        );
        c.payload.event.kind = BarterDataKind::OrderBookL1 as u32;
        c.payload.event.data.l1 = BarterOrderBookL1 {
            last_update_time: BarterTimestamp::default(),
            has_best_bid: 2,
            has_best_ask: 0,
            reserved: [0; 6],
            best_bid: BarterLevel::default(),
            best_ask: BarterLevel::default(),
        };
        assert!(refused::<Indexed>(&c).contains("has_best_bid is 2, expected 0 or 1"));
        c.kind = BarterMarketStreamKind::Error as u32;
        assert!(refused::<Indexed>(&c).contains("an Error item belongs to a MarketStreamResult"));
        c.payload.error.kind = 11;
        assert!(refused::<IndexedResult>(&c).contains("unknown BarterDataErrorKind value 11"));
    }

    #[test]
    fn a_book_from_c_is_sorted_as_barter_keeps_it_and_null_levels_are_refused() {
        let level = |price: i64| BarterLevel {
            price: Decimal::from(price).into(),
            amount: Decimal::ONE.into(),
        };
        let bids = [level(1), level(3), level(2)];
        let asks = [level(9), level(7)];
        let mut book = BarterOrderBook {
            sequence: 5,
            has_time_engine: 0,
            reserved: [0; 7],
            time_engine: BarterTimestamp::default(),
            bids: bids.as_ptr(),
            bids_len: bids.len(),
            asks: asks.as_ptr(),
            asks_len: asks.len(),
        };
        // SAFETY: the arrays are alive and as long as they say.
        let sorted = unsafe { book_from_c(&book) }.unwrap();
        let prices = |levels: &[Level]| levels.iter().map(|l| l.price).collect::<Vec<_>>();
        assert_eq!(prices(sorted.bids().levels()), [3, 2, 1].map(Decimal::from));
        assert_eq!(prices(sorted.asks().levels()), [7, 9].map(Decimal::from));
        book.asks = std::ptr::null();
        // SAFETY: a NULL array is checked before it is read.
        let error = unsafe { book_from_c(&book) }.unwrap_err();
        assert!(
            error.message.contains("`asks` must not be NULL"),
            "{}",
            error.message
        );
    }
}
