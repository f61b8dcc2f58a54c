//! The order parameters of barter's requests and orders: `Side`, `OrderKind`,
//! `TimeInForce`, `RequestOpen` and `RequestCancel`.

use super::arena::Arena;
use super::decimal::BarterDecimal;
use super::key::smol;
use super::strings::BarterStr;
use super::{c_tag, flag, FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::order::id::OrderId;
use barter_execution::order::request::{RequestCancel, RequestOpen};
use barter_execution::order::{OrderKind, TimeInForce};
use barter_instrument::Side;
use rust_decimal::Decimal;

/// barter's `Side`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterSide {
    Buy = 1,
    Sell = 2,
}

c_tag!(BarterSide { Buy, Sell });

/// barter's `OrderKind`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterOrderKind {
    Market = 1,
    Limit = 2,
}

c_tag!(BarterOrderKind { Market, Limit });

/// The variant of barter's `TimeInForce`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterTimeInForceKind {
    /// `GoodUntilCancelled { post_only }`.
    GoodUntilCancelled = 1,
    GoodUntilEndOfDay = 2,
    FillOrKill = 3,
    ImmediateOrCancel = 4,
}

c_tag!(BarterTimeInForceKind {
    GoodUntilCancelled,
    GoodUntilEndOfDay,
    FillOrKill,
    ImmediateOrCancel
});

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterTimeInForce {
    /// A `BarterTimeInForceKind`.
    pub kind: u32,
    /// For `GoodUntilCancelled`: 1 if post-only, else 0.
    pub post_only: u8,
    /// Set to zero.
    pub reserved: [u8; 3],
}

/// `RequestOpen { side, price, quantity, kind, time_in_force }`; also the
/// order parameters of an `Order`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterRequestOpen {
    /// A `BarterSide`.
    pub side: u32,
    /// A `BarterOrderKind`.
    pub kind: u32,
    pub time_in_force: BarterTimeInForce,
    pub price: BarterDecimal,
    pub quantity: BarterDecimal,
}

/// `RequestCancel { id: Option<OrderId> }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterRequestCancel {
    /// 1 when `id` holds the exchange's order id, else 0.
    pub has_id: u8,
    /// Set to zero.
    pub reserved: [u8; 7],
    pub id: BarterStr,
}

pub(crate) fn side_to_c(side: Side) -> u32 {
    match side {
        Side::Buy => BarterSide::Buy as u32,
        Side::Sell => BarterSide::Sell as u32,
    }
}

pub(crate) fn side_from_c(raw: u32) -> Result<Side, FfiError> {
    Ok(match BarterSide::from_raw(raw)? {
        BarterSide::Buy => Side::Buy,
        BarterSide::Sell => Side::Sell,
    })
}

impl ToC for TimeInForce {
    type C = BarterTimeInForce;
    fn to_c(&self, _: &mut Arena) -> Result<BarterTimeInForce, FfiError> {
        let (kind, post_only) = match self {
            TimeInForce::GoodUntilCancelled { post_only } => {
                (BarterTimeInForceKind::GoodUntilCancelled, *post_only)
            }
            TimeInForce::GoodUntilEndOfDay => (BarterTimeInForceKind::GoodUntilEndOfDay, false),
            TimeInForce::FillOrKill => (BarterTimeInForceKind::FillOrKill, false),
            TimeInForce::ImmediateOrCancel => (BarterTimeInForceKind::ImmediateOrCancel, false),
        };
        Ok(BarterTimeInForce {
            kind: kind as u32,
            post_only: u8::from(post_only),
            reserved: [0; 3],
        })
    }
}

impl FromC for TimeInForce {
    type C = BarterTimeInForce;
    unsafe fn from_c(c: &BarterTimeInForce) -> Result<Self, FfiError> {
        Ok(match BarterTimeInForceKind::from_raw(c.kind)? {
            BarterTimeInForceKind::GoodUntilCancelled => TimeInForce::GoodUntilCancelled {
                post_only: flag(c.post_only, "post_only")?,
            },
            BarterTimeInForceKind::GoodUntilEndOfDay => TimeInForce::GoodUntilEndOfDay,
            BarterTimeInForceKind::FillOrKill => TimeInForce::FillOrKill,
            BarterTimeInForceKind::ImmediateOrCancel => TimeInForce::ImmediateOrCancel,
        })
    }
}

impl ToC for RequestOpen {
    type C = BarterRequestOpen;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterRequestOpen, FfiError> {
        Ok(BarterRequestOpen {
            side: side_to_c(self.side),
            kind: match self.kind {
                OrderKind::Market => BarterOrderKind::Market as u32,
                OrderKind::Limit => BarterOrderKind::Limit as u32,
            },
            time_in_force: self.time_in_force.to_c(arena)?,
            price: self.price.into(),
            quantity: self.quantity.into(),
        })
    }
}

impl FromC for RequestOpen {
    type C = BarterRequestOpen;
    unsafe fn from_c(c: &BarterRequestOpen) -> Result<Self, FfiError> {
        Ok(RequestOpen {
            side: side_from_c(c.side).map_err(at("side"))?,
            price: Decimal::try_from(c.price).map_err(at("price"))?,
            quantity: Decimal::try_from(c.quantity).map_err(at("quantity"))?,
            kind: match BarterOrderKind::from_raw(c.kind).map_err(at("kind"))? {
                BarterOrderKind::Market => OrderKind::Market,
                BarterOrderKind::Limit => OrderKind::Limit,
            },
            // SAFETY: no views inside.
            time_in_force: unsafe { TimeInForce::from_c(&c.time_in_force) }
                .map_err(at("time_in_force"))?,
        })
    }
}

impl ToC for RequestCancel {
    type C = BarterRequestCancel;
    fn to_c(&self, arena: &mut Arena) -> Result<BarterRequestCancel, FfiError> {
        Ok(match &self.id {
            Some(id) => BarterRequestCancel {
                has_id: 1,
                reserved: [0; 7],
                id: arena.push(&id.0).map_err(at("id"))?,
            },
            None => BarterRequestCancel {
                has_id: 0,
                reserved: [0; 7],
                id: BarterStr::EMPTY,
            },
        })
    }
}

impl FromC for RequestCancel {
    type C = BarterRequestCancel;
    unsafe fn from_c(c: &BarterRequestCancel) -> Result<Self, FfiError> {
        let id = if flag(c.has_id, "has_id")? {
            // SAFETY: forwarded from the caller.
            Some(OrderId(smol(unsafe { c.id.as_str() }, "id")?))
        } else {
            None
        };
        Ok(RequestCancel { id })
    }
}
