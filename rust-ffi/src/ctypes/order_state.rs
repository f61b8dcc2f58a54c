//! `BarterOrderState`: every leaf of `OrderState` as one flat tag plus the
//! payload fields that leaf uses.

use super::arena::Arena;
use super::decimal::BarterDecimal;
use super::key::smol;
use super::order_error::BarterOrderError;
use super::strings::BarterStr;
use super::timestamp::BarterTimestamp;
use super::{c_tag, FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::error::OrderError;
use barter_execution::order::id::OrderId;
use barter_execution::order::state::{
    ActiveOrderState, CancelInFlight, Cancelled, InactiveOrderState, Open, OpenInFlight, OrderState,
};
use chrono::{DateTime, Utc};

/// The leaf of an `OrderState`. 1–3 are `Active`, 4–7 are `Inactive`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterOrderStateKind {
    /// `Active(OpenInFlight)`: no payload.
    OpenInFlight = 1,
    /// `Active(Open { id, time_exchange, filled_quantity })`.
    Open = 2,
    /// `Active(CancelInFlight { order })`: when `has_order` is 1, the
    /// order's `Open` fields are in `id`, `time_exchange`, `filled_quantity`.
    CancelInFlight = 3,
    /// `Inactive(Cancelled { id, time_exchange })`.
    Cancelled = 4,
    /// `Inactive(FullyFilled)`: no payload.
    FullyFilled = 5,
    /// `Inactive(OpenFailed(error))`.
    OpenFailed = 6,
    /// `Inactive(Expired)`: no payload.
    Expired = 7,
}

c_tag!(BarterOrderStateKind {
    OpenInFlight,
    Open,
    CancelInFlight,
    Cancelled,
    FullyFilled,
    OpenFailed,
    Expired
});

/// Fields a leaf does not use are zero.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderState {
    /// A `BarterOrderStateKind`.
    pub kind: u32,
    /// For `CancelInFlight`: 1 when it carries the open order, else 0.
    pub has_order: u8,
    /// Set to zero.
    pub reserved: [u8; 3],
    pub id: BarterStr,
    pub time_exchange: BarterTimestamp,
    pub filled_quantity: BarterDecimal,
    /// For `OpenFailed`.
    pub error: BarterOrderError,
}

impl BarterOrderState {
    /// All fields zero; kind 0 is no valid state.
    pub(crate) fn zeroed() -> Self {
        Self {
            kind: 0,
            has_order: 0,
            reserved: [0; 3],
            id: BarterStr::EMPTY,
            time_exchange: BarterTimestamp::default(),
            filled_quantity: BarterDecimal::default(),
            error: BarterOrderError::NONE,
        }
    }

    fn new(kind: BarterOrderStateKind) -> Self {
        Self {
            kind: kind as u32,
            ..Self::zeroed()
        }
    }

    /// `Open`'s fields, without a kind (also used inside `BarterOrderResult`).
    pub(crate) fn open_fields(open: &Open, arena: &mut Arena) -> Result<Self, FfiError> {
        Ok(Self {
            id: arena.push(&open.id.0).map_err(at("id"))?,
            time_exchange: open.time_exchange.into(),
            filled_quantity: open.filled_quantity.into(),
            ..Self::zeroed()
        })
    }

    /// `Cancelled`'s fields, without a kind.
    pub(crate) fn cancelled_fields(
        cancelled: &Cancelled,
        arena: &mut Arena,
    ) -> Result<Self, FfiError> {
        Ok(Self {
            id: arena.push(&cancelled.id.0).map_err(at("id"))?,
            time_exchange: cancelled.time_exchange.into(),
            ..Self::zeroed()
        })
    }

    fn with_open(
        kind: BarterOrderStateKind,
        open: &Open,
        arena: &mut Arena,
    ) -> Result<Self, FfiError> {
        Ok(Self {
            kind: kind as u32,
            ..Self::open_fields(open, arena)?
        })
    }

    /// # Safety
    /// `id` must be NULL or valid for reads of its length.
    unsafe fn order_id(&self) -> Result<OrderId, FfiError> {
        // SAFETY: forwarded from the caller.
        smol(unsafe { self.id.as_str() }, "id").map(OrderId)
    }

    fn time(&self) -> Result<DateTime<Utc>, FfiError> {
        DateTime::try_from(self.time_exchange).map_err(at("time_exchange"))
    }

    /// # Safety
    /// `id` must be NULL or valid for reads of its length.
    pub(crate) unsafe fn cancelled(&self) -> Result<Cancelled, FfiError> {
        Ok(Cancelled {
            // SAFETY: forwarded from the caller.
            id: unsafe { self.order_id() }?,
            time_exchange: self.time()?,
        })
    }

    /// # Safety
    /// `id` must be NULL or valid for reads of its length.
    pub(crate) unsafe fn open(&self) -> Result<Open, FfiError> {
        Ok(Open {
            // SAFETY: forwarded from the caller.
            id: unsafe { self.order_id() }?,
            time_exchange: self.time()?,
            filled_quantity: self
                .filled_quantity
                .try_into()
                .map_err(at("filled_quantity"))?,
        })
    }
}

impl<A, I> ToC for OrderState<A, I>
where
    OrderError<A, I>: ToC<C = BarterOrderError>,
{
    type C = BarterOrderState;

    fn to_c(&self, arena: &mut Arena) -> Result<BarterOrderState, FfiError> {
        use BarterOrderStateKind as K;
        Ok(match self {
            OrderState::Active(active) => match active {
                ActiveOrderState::OpenInFlight(OpenInFlight) => {
                    BarterOrderState::new(K::OpenInFlight)
                }
                ActiveOrderState::Open(open) => BarterOrderState::with_open(K::Open, open, arena)?,
                ActiveOrderState::CancelInFlight(CancelInFlight { order }) => match order {
                    Some(open) => BarterOrderState {
                        has_order: 1,
                        ..BarterOrderState::with_open(K::CancelInFlight, open, arena)?
                    },
                    None => BarterOrderState::new(K::CancelInFlight),
                },
            },
            OrderState::Inactive(inactive) => match inactive {
                InactiveOrderState::Cancelled(cancelled) => BarterOrderState {
                    kind: K::Cancelled as u32,
                    ..BarterOrderState::cancelled_fields(cancelled, arena)?
                },
                InactiveOrderState::FullyFilled => BarterOrderState::new(K::FullyFilled),
                InactiveOrderState::OpenFailed(error) => BarterOrderState {
                    error: error.to_c(arena).map_err(at("error"))?,
                    ..BarterOrderState::new(K::OpenFailed)
                },
                InactiveOrderState::Expired => BarterOrderState::new(K::Expired),
            },
        })
    }
}

impl<A, I> FromC for OrderState<A, I>
where
    OrderError<A, I>: FromC<C = BarterOrderError>,
{
    type C = BarterOrderState;

    unsafe fn from_c(c: &BarterOrderState) -> Result<Self, FfiError> {
        use BarterOrderStateKind as K;
        // SAFETY (every call below): forwarded from the caller.
        Ok(match K::from_raw(c.kind)? {
            K::OpenInFlight => OrderState::Active(ActiveOrderState::OpenInFlight(OpenInFlight)),
            K::Open => OrderState::Active(ActiveOrderState::Open(unsafe { c.open() }?)),
            K::CancelInFlight => {
                let order = match c.has_order {
                    0 => None,
                    1 => Some(unsafe { c.open() }?),
                    other => {
                        return Err(FfiError::invalid(format!(
                            "has_order is {other}, expected 0 or 1"
                        )))
                    }
                };
                OrderState::Active(ActiveOrderState::CancelInFlight(CancelInFlight { order }))
            }
            K::Cancelled => {
                OrderState::Inactive(InactiveOrderState::Cancelled(unsafe { c.cancelled() }?))
            }
            K::FullyFilled => OrderState::Inactive(InactiveOrderState::FullyFilled),
            K::OpenFailed => OrderState::Inactive(InactiveOrderState::OpenFailed(
                unsafe { OrderError::from_c(&c.error) }.map_err(at("error"))?,
            )),
            K::Expired => OrderState::Inactive(InactiveOrderState::Expired),
        })
    }
}
