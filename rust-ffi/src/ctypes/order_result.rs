//! `BarterOrderResult`: barter's `Result<Open, OrderError>` (the answer to an
//! open request) and `Result<Cancelled, OrderError>` (to a cancel request).

use super::arena::Arena;
use super::decimal::BarterDecimal;
use super::order_error::BarterOrderError;
use super::order_state::BarterOrderState;
use super::strings::BarterStr;
use super::timestamp::BarterTimestamp;
use super::{c_tag, FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::error::OrderError;
use barter_execution::order::state::{Cancelled, Open};

/// Which side of a `Result` a `BarterOrderResult` holds.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarterResultKind {
    /// `Ok`: the `Open` or `Cancelled` fields are set.
    Ok = 1,
    /// `Err`: `error` is set.
    Err = 2,
}

c_tag!(BarterResultKind { Ok, Err });

/// `Result<Open, OrderError>` or `Result<Cancelled, OrderError>`. For `Ok`,
/// `id` and `time_exchange` are set, and `filled_quantity` for `Open`.
/// Fields a side does not use are zero.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderResult {
    /// A `BarterResultKind`.
    pub kind: u32,
    /// Set to zero.
    pub reserved: u32,
    pub id: BarterStr,
    pub time_exchange: BarterTimestamp,
    pub filled_quantity: BarterDecimal,
    pub error: BarterOrderError,
}

impl BarterOrderResult {
    fn ok(state: BarterOrderState) -> Self {
        Self {
            kind: BarterResultKind::Ok as u32,
            reserved: 0,
            id: state.id,
            time_exchange: state.time_exchange,
            filled_quantity: state.filled_quantity,
            error: BarterOrderError::NONE,
        }
    }

    /// The `Ok` payload as the state struct whose readers it shares.
    fn as_state(&self) -> BarterOrderState {
        BarterOrderState {
            id: self.id,
            time_exchange: self.time_exchange,
            filled_quantity: self.filled_quantity,
            ..BarterOrderState::zeroed()
        }
    }
}

macro_rules! order_result {
    ($ok:ty, $to_fields:ident, $from_fields:ident) => {
        impl<A, I> ToC for Result<$ok, OrderError<A, I>>
        where
            OrderError<A, I>: ToC<C = BarterOrderError>,
        {
            type C = BarterOrderResult;
            fn to_c(&self, arena: &mut Arena) -> Result<BarterOrderResult, FfiError> {
                Ok(match self {
                    Ok(ok) => BarterOrderResult::ok(BarterOrderState::$to_fields(ok, arena)?),
                    Err(error) => BarterOrderResult {
                        kind: BarterResultKind::Err as u32,
                        error: error.to_c(arena).map_err(at("error"))?,
                        ..BarterOrderResult::ok(BarterOrderState::zeroed())
                    },
                })
            }
        }

        impl<A, I> FromC for Result<$ok, OrderError<A, I>>
        where
            OrderError<A, I>: FromC<C = BarterOrderError>,
        {
            type C = BarterOrderResult;
            unsafe fn from_c(c: &BarterOrderResult) -> Result<Self, FfiError> {
                // SAFETY (both): forwarded from the caller.
                Ok(match BarterResultKind::from_raw(c.kind)? {
                    BarterResultKind::Ok => Ok(unsafe { c.as_state().$from_fields() }?),
                    BarterResultKind::Err => {
                        Err(unsafe { OrderError::from_c(&c.error) }.map_err(at("error"))?)
                    }
                })
            }
        }
    };
}
order_result!(Open, open_fields, open);
order_result!(Cancelled, cancelled_fields, cancelled);
