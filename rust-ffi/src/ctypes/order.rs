//! barter's `Order<_, _, State>`: an order snapshot (`OrderState`) or the
//! response to an open request (`Result<Open, OrderError>`).

use super::arena::Arena;
use super::key::BarterOrderKey;
use super::order_result::BarterOrderResult;
use super::order_state::BarterOrderState;
use super::request::BarterRequestOpen;
use super::{FromC, ToC};
use crate::status::{at, FfiError};
use barter_execution::order::request::RequestOpen;
use barter_execution::order::{Order, OrderKey};

/// `Order<_, _, OrderState>`: an order snapshot.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderSnapshot {
    pub key: BarterOrderKey,
    /// side, price, quantity, kind and time_in_force.
    pub order: BarterRequestOpen,
    pub state: BarterOrderState,
}

/// `Order<_, _, Result<Open, OrderError>>`: the response to an open request.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BarterOrderResponseOpen {
    pub key: BarterOrderKey,
    /// side, price, quantity, kind and time_in_force.
    pub order: BarterRequestOpen,
    pub state: BarterOrderResult,
}

/// Names the C order struct that carries a given C state struct.
pub trait COrder: Sized + Copy {
    type Order;
    fn join(key: BarterOrderKey, order: BarterRequestOpen, state: Self) -> Self::Order;
    fn split(order: &Self::Order) -> (&BarterOrderKey, &BarterRequestOpen, &Self);
}

macro_rules! c_order {
    ($($state:ty => $order:ident),+ $(,)?) => {$(
        impl COrder for $state {
            type Order = $order;
            fn join(key: BarterOrderKey, order: BarterRequestOpen, state: Self) -> $order {
                $order { key, order, state }
            }
            fn split(c: &$order) -> (&BarterOrderKey, &BarterRequestOpen, &Self) {
                (&c.key, &c.order, &c.state)
            }
        }
    )+};
}
c_order!(
    BarterOrderState => BarterOrderSnapshot,
    BarterOrderResult => BarterOrderResponseOpen,
);

impl<E, I, S> ToC for Order<E, I, S>
where
    OrderKey<E, I>: ToC<C = BarterOrderKey>,
    S: ToC,
    S::C: COrder,
{
    type C = <S::C as COrder>::Order;

    fn to_c(&self, arena: &mut Arena) -> Result<Self::C, FfiError> {
        let key = self.key.to_c(arena)?;
        let order = RequestOpen {
            side: self.side,
            price: self.price,
            quantity: self.quantity,
            kind: self.kind,
            time_in_force: self.time_in_force,
        }
        .to_c(arena)?;
        let state = self.state.to_c(arena).map_err(at("state"))?;
        Ok(COrder::join(key, order, state))
    }
}

impl<E, I, S> FromC for Order<E, I, S>
where
    OrderKey<E, I>: FromC<C = BarterOrderKey>,
    S: FromC,
    S::C: COrder,
{
    type C = <S::C as COrder>::Order;

    unsafe fn from_c(c: &Self::C) -> Result<Self, FfiError> {
        let (key, order, state) = <S::C as COrder>::split(c);
        // SAFETY (all three): forwarded from the caller.
        let RequestOpen {
            side,
            price,
            quantity,
            kind,
            time_in_force,
        } = unsafe { RequestOpen::from_c(order) }?;
        Ok(Order {
            key: unsafe { OrderKey::from_c(key) }?,
            side,
            price,
            quantity,
            kind,
            time_in_force,
            state: unsafe { S::from_c(state) }.map_err(at("state"))?,
        })
    }
}
