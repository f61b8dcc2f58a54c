//! barter's account stream: `Trade`, `AssetBalance`, `AccountSnapshot` and
//! `AccountEvent`.

use super::arena::Arena;
use super::decimal::BarterDecimal;
use super::key::{smol, BarterKey};
use super::order::BarterOrderSnapshot;
use super::order_event::BarterOrderResponseCancel;
use super::request::{side_from_c, side_to_c};
use super::strings::BarterStr;
use super::timestamp::BarterTimestamp;
use super::{c_tag, FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::balance::{AssetBalance, Balance};
use barter_execution::order::id::{OrderId, StrategyId};
use barter_execution::order::request::OrderResponseCancel;
use barter_execution::order::state::OrderState;
use barter_execution::order::Order;
use barter_execution::trade::{AssetFees, Trade, TradeId};
use barter_execution::{
    AccountEvent, AccountEventKind, AccountSnapshot, InstrumentAccountSnapshot,
};
use barter_integration::collection::snapshot::Snapshot;
use chrono::DateTime;
use rust_decimal::Decimal;

/// `Trade { id, order_id, instrument, strategy, time_exchange, side, price,
/// quantity, fees: AssetFees { asset, fees } }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterTrade {
    pub id: BarterStr,
    pub order_id: BarterStr,
    pub instrument: BarterKey,
    pub strategy: BarterStr,
    pub time_exchange: BarterTimestamp,
    /// A `BarterSide`.
    pub side: u32,
    /// Set to zero.
    pub reserved: u32,
    pub price: BarterDecimal,
    pub quantity: BarterDecimal,
    /// The fee asset (`BARTER_KEY_KIND_QUOTE` for barter's `QuoteAsset`).
    pub fees_asset: BarterKey,
    pub fees: BarterDecimal,
}

/// `AssetBalance { asset, balance: Balance { total, free }, time_exchange }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterAssetBalance {
    pub asset: BarterKey,
    pub total: BarterDecimal,
    pub free: BarterDecimal,
    pub time_exchange: BarterTimestamp,
}

/// `InstrumentAccountSnapshot { instrument, orders }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterInstrumentSnapshot {
    pub instrument: BarterKey,
    pub orders: *const BarterOrderSnapshot,
    pub orders_len: usize,
}

/// `AccountSnapshot { exchange, balances, instruments }`. The arrays belong
/// to whatever owns the snapshot (a batch, or the caller when encoding).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterAccountSnapshot {
    pub exchange: BarterKey,
    pub balances: *const BarterAssetBalance,
    pub balances_len: usize,
    pub instruments: *const BarterInstrumentSnapshot,
    pub instruments_len: usize,
}

/// The variant of an `AccountEventKind`, naming the payload field in use.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterAccountEventKind {
    /// `payload.snapshot`.
    Snapshot = 1,
    /// `payload.balance`.
    BalanceSnapshot = 2,
    /// `payload.order`.
    OrderSnapshot = 3,
    /// `payload.cancelled`.
    OrderCancelled = 4,
    /// `payload.trade`.
    Trade = 5,
}

c_tag!(BarterAccountEventKind {
    Snapshot,
    BalanceSnapshot,
    OrderSnapshot,
    OrderCancelled,
    Trade
});

/// The payload of an `AccountEvent`; `kind` says which member is valid.
#[repr(C)]
#[derive(Clone, Copy)]
pub union BarterAccountEventPayload {
    pub snapshot: BarterAccountSnapshot,
    pub balance: BarterAssetBalance,
    pub order: BarterOrderSnapshot,
    pub cancelled: BarterOrderResponseCancel,
    pub trade: BarterTrade,
}

/// `AccountEvent { exchange, kind }`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct BarterAccountEvent {
    pub exchange: BarterKey,
    /// A `BarterAccountEventKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    pub payload: BarterAccountEventPayload,
}

fn decimal(value: BarterDecimal, field: &str) -> Result<Decimal, FfiError> {
    Decimal::try_from(value).map_err(at(field))
}

impl<A, I> ToC for Trade<A, I>
where
    A: ToC<C = BarterKey>,
    I: ToC<C = BarterKey>,
{
    type C = BarterTrade;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterTrade, FfiError> {
        Ok(BarterTrade {
            id: arena.push(&self.id.0).map_err(at("id"))?,
            order_id: arena.push(&self.order_id.0).map_err(at("order_id"))?,
            instrument: self.instrument.to_c(arena).map_err(at("instrument"))?,
            strategy: arena.push(&self.strategy.0).map_err(at("strategy"))?,
            time_exchange: self.time_exchange.into(),
            side: side_to_c(self.side),
            reserved: 0,
            price: self.price.into(),
            quantity: self.quantity.into(),
            fees_asset: self.fees.asset.to_c(arena).map_err(at("fees.asset"))?,
            fees: self.fees.fees.into(),
        })
    }
}

impl<A, I> FromC for Trade<A, I>
where
    A: FromC<C = BarterKey>,
    I: FromC<C = BarterKey>,
{
    type C = BarterTrade;
    unsafe fn from_c(c: &BarterTrade) -> Result<Self, FfiError> {
        // SAFETY (every view and key read): forwarded from the caller.
        Ok(Trade {
            id: TradeId(smol(unsafe { c.id.as_str() }, "id")?),
            order_id: OrderId(smol(unsafe { c.order_id.as_str() }, "order_id")?),
            instrument: unsafe { I::from_c(&c.instrument) }.map_err(at("instrument"))?,
            strategy: StrategyId(smol(unsafe { c.strategy.as_str() }, "strategy")?),
            time_exchange: DateTime::try_from(c.time_exchange).map_err(at("time_exchange"))?,
            side: side_from_c(c.side).map_err(at("side"))?,
            price: decimal(c.price, "price")?,
            quantity: decimal(c.quantity, "quantity")?,
            fees: AssetFees {
                asset: unsafe { A::from_c(&c.fees_asset) }.map_err(at("fees.asset"))?,
                fees: decimal(c.fees, "fees.fees")?,
            },
        })
    }
}

impl<A: ToC<C = BarterKey>> ToC for AssetBalance<A> {
    type C = BarterAssetBalance;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterAssetBalance, FfiError> {
        Ok(BarterAssetBalance {
            asset: self.asset.to_c(arena).map_err(at("asset"))?,
            total: self.balance.total.into(),
            free: self.balance.free.into(),
            time_exchange: self.time_exchange.into(),
        })
    }
}

impl<A: FromC<C = BarterKey>> FromC for AssetBalance<A> {
    type C = BarterAssetBalance;
    unsafe fn from_c(c: &BarterAssetBalance) -> Result<Self, FfiError> {
        Ok(AssetBalance {
            // SAFETY: forwarded from the caller.
            asset: unsafe { A::from_c(&c.asset) }.map_err(at("asset"))?,
            balance: Balance {
                total: decimal(c.total, "balance.total")?,
                free: decimal(c.free, "balance.free")?,
            },
            time_exchange: DateTime::try_from(c.time_exchange).map_err(at("time_exchange"))?,
        })
    }
}

/// Converts every item, naming the index of a failing one.
fn convert_all<T: ToC>(items: &[T], arena: &mut Arena, field: &str) -> Result<Vec<T::C>, FfiError> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| item.to_c(arena).map_err(at(&format!("{field}[{index}]"))))
        .collect()
}

/// # Safety
/// `ptr` must be NULL only if `len` is 0, else valid for reads of `len`
/// structs whose views are valid.
unsafe fn read_all<T: FromC>(
    ptr: *const T::C,
    len: usize,
    field: &str,
) -> Result<Vec<T>, FfiError> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(FfiError::invalid(format!(
            "{field} is NULL but its length is {len}"
        )));
    }
    // SAFETY: non-NULL and, per the caller, valid for `len` items.
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    items
        .iter()
        .enumerate()
        // SAFETY: forwarded from the caller.
        .map(|(index, item)| unsafe { T::from_c(item) }.map_err(at(&format!("{field}[{index}]"))))
        .collect()
}

impl<E, A, I> ToC for AccountSnapshot<E, A, I>
where
    E: ToC<C = BarterKey>,
    A: ToC<C = BarterKey> + 'static,
    I: ToC<C = BarterKey> + 'static,
    Order<E, I, OrderState<A, I>>: ToC<C = BarterOrderSnapshot>,
{
    type C = BarterAccountSnapshot;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterAccountSnapshot, FfiError> {
        let balances = convert_all(&self.balances, arena, "balances")?;
        let mut instruments = Vec::with_capacity(self.instruments.len());
        for (index, snapshot) in self.instruments.iter().enumerate() {
            let field = format!("instruments[{index}]");
            let orders = convert_all(&snapshot.orders, arena, &format!("{field}.orders"))?;
            let (orders, orders_len) = arena.keep_slice(orders)?;
            instruments.push(BarterInstrumentSnapshot {
                instrument: snapshot.instrument.to_c(arena).map_err(at(&field))?,
                orders,
                orders_len,
            });
        }
        let (balances, balances_len) = arena.keep_slice(balances)?;
        let (instruments, instruments_len) = arena.keep_slice(instruments)?;
        Ok(BarterAccountSnapshot {
            exchange: self.exchange.to_c(arena).map_err(at("exchange"))?,
            balances,
            balances_len,
            instruments,
            instruments_len,
        })
    }
}

impl<E, A, I> FromC for AccountSnapshot<E, A, I>
where
    E: FromC<C = BarterKey>,
    A: FromC<C = BarterKey>,
    I: FromC<C = BarterKey>,
    Order<E, I, OrderState<A, I>>: FromC<C = BarterOrderSnapshot>,
{
    type C = BarterAccountSnapshot;
    unsafe fn from_c(c: &BarterAccountSnapshot) -> Result<Self, FfiError> {
        // SAFETY (every read below): forwarded from the caller.
        let instruments = unsafe {
            read_all::<InstrumentAccountSnapshot<E, A, I>>(
                c.instruments,
                c.instruments_len,
                "instruments",
            )
        }?;
        Ok(AccountSnapshot {
            exchange: unsafe { E::from_c(&c.exchange) }.map_err(at("exchange"))?,
            balances: unsafe { read_all(c.balances, c.balances_len, "balances") }?,
            instruments,
        })
    }
}

impl<E, A, I> FromC for InstrumentAccountSnapshot<E, A, I>
where
    I: FromC<C = BarterKey>,
    Order<E, I, OrderState<A, I>>: FromC<C = BarterOrderSnapshot>,
{
    type C = BarterInstrumentSnapshot;
    unsafe fn from_c(c: &BarterInstrumentSnapshot) -> Result<Self, FfiError> {
        // SAFETY (both): forwarded from the caller.
        Ok(InstrumentAccountSnapshot {
            instrument: unsafe { I::from_c(&c.instrument) }.map_err(at("instrument"))?,
            orders: unsafe { read_all(c.orders, c.orders_len, "orders") }?,
        })
    }
}

impl<E, A, I> ToC for AccountEvent<E, A, I>
where
    E: ToC<C = BarterKey>,
    AccountSnapshot<E, A, I>: ToC<C = BarterAccountSnapshot>,
    AssetBalance<A>: ToC<C = BarterAssetBalance>,
    Order<E, I, OrderState<A, I>>: ToC<C = BarterOrderSnapshot>,
    OrderResponseCancel<E, A, I>: ToC<C = BarterOrderResponseCancel>,
    Trade<barter_instrument::asset::QuoteAsset, I>: ToC<C = BarterTrade>,
{
    type C = BarterAccountEvent;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterAccountEvent, FfiError> {
        use BarterAccountEventKind as K;
        let (kind, payload) = match &self.kind {
            AccountEventKind::Snapshot(snapshot) => (
                K::Snapshot,
                BarterAccountEventPayload {
                    snapshot: snapshot.to_c(arena).map_err(at("kind.Snapshot"))?,
                },
            ),
            AccountEventKind::BalanceSnapshot(Snapshot(balance)) => (
                K::BalanceSnapshot,
                BarterAccountEventPayload {
                    balance: balance.to_c(arena).map_err(at("kind.BalanceSnapshot"))?,
                },
            ),
            AccountEventKind::OrderSnapshot(Snapshot(order)) => (
                K::OrderSnapshot,
                BarterAccountEventPayload {
                    order: order.to_c(arena).map_err(at("kind.OrderSnapshot"))?,
                },
            ),
            AccountEventKind::OrderCancelled(response) => (
                K::OrderCancelled,
                BarterAccountEventPayload {
                    cancelled: response.to_c(arena).map_err(at("kind.OrderCancelled"))?,
                },
            ),
            AccountEventKind::Trade(trade) => (
                K::Trade,
                BarterAccountEventPayload {
                    trade: trade.to_c(arena).map_err(at("kind.Trade"))?,
                },
            ),
        };
        Ok(BarterAccountEvent {
            exchange: self.exchange.to_c(arena).map_err(at("exchange"))?,
            kind: kind as u32,
            reserved: 0,
            payload,
        })
    }
}

impl<E, A, I> FromC for AccountEvent<E, A, I>
where
    E: FromC<C = BarterKey>,
    AccountSnapshot<E, A, I>: FromC<C = BarterAccountSnapshot>,
    AssetBalance<A>: FromC<C = BarterAssetBalance>,
    Order<E, I, OrderState<A, I>>: FromC<C = BarterOrderSnapshot>,
    OrderResponseCancel<E, A, I>: FromC<C = BarterOrderResponseCancel>,
    Trade<barter_instrument::asset::QuoteAsset, I>: FromC<C = BarterTrade>,
{
    type C = BarterAccountEvent;
    unsafe fn from_c(c: &BarterAccountEvent) -> Result<Self, FfiError> {
        use BarterAccountEventKind as K;
        let payload = &c.payload;
        // SAFETY (each arm): `kind` names the union member C wrote, every
        // member is plain data valid for any bit pattern, and the views
        // inside are valid per the caller.
        let kind = match K::from_raw(c.kind)? {
            K::Snapshot => AccountEventKind::Snapshot(
                unsafe { AccountSnapshot::from_c(&payload.snapshot) }
                    .map_err(at("kind.Snapshot"))?,
            ),
            K::BalanceSnapshot => AccountEventKind::BalanceSnapshot(Snapshot(
                unsafe { AssetBalance::from_c(&payload.balance) }
                    .map_err(at("kind.BalanceSnapshot"))?,
            )),
            K::OrderSnapshot => AccountEventKind::OrderSnapshot(Snapshot(
                unsafe { Order::from_c(&payload.order) }.map_err(at("kind.OrderSnapshot"))?,
            )),
            K::OrderCancelled => AccountEventKind::OrderCancelled(
                unsafe { OrderResponseCancel::from_c(&payload.cancelled) }
                    .map_err(at("kind.OrderCancelled"))?,
            ),
            K::Trade => AccountEventKind::Trade(
                unsafe { Trade::from_c(&payload.trade) }.map_err(at("kind.Trade"))?,
            ),
        };
        Ok(AccountEvent {
            // SAFETY: forwarded from the caller.
            exchange: unsafe { E::from_c(&c.exchange) }.map_err(at("exchange"))?,
            kind,
        })
    }
}
