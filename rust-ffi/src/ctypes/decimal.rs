//! `BarterDecimal`: rust_decimal's exact representation, a 96-bit mantissa
//! with a scale, so no value ever passes through a float.

use crate::status::FfiError;
use rust_decimal::Decimal;

/// The largest scale rust_decimal supports.
pub const BARTER_DECIMAL_MAX_SCALE: u8 = 28;

/// value = (-1)^negative × (mantissa_hi × 2^64 + mantissa_lo) / 10^scale.
/// The scale is kept: 0.50 is mantissa 50, scale 2.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BarterDecimal {
    pub mantissa_lo: u64,
    /// Upper 32 bits of the 96-bit mantissa.
    pub mantissa_hi: u32,
    /// Digits after the decimal point, 0..=28.
    pub scale: u8,
    /// 1 when the value is negative, else 0.
    pub negative: u8,
    /// Set to zero.
    pub reserved: u16,
}

impl From<Decimal> for BarterDecimal {
    fn from(value: Decimal) -> Self {
        let magnitude = value.mantissa().unsigned_abs();
        Self {
            mantissa_lo: magnitude as u64,
            mantissa_hi: (magnitude >> 64) as u32,
            scale: value.scale() as u8,
            negative: u8::from(value.is_sign_negative()),
            reserved: 0,
        }
    }
}

impl TryFrom<BarterDecimal> for Decimal {
    type Error = FfiError;

    fn try_from(value: BarterDecimal) -> Result<Self, FfiError> {
        if value.scale > BARTER_DECIMAL_MAX_SCALE {
            return Err(FfiError::invalid(format!(
                "decimal scale {} is over the maximum of {BARTER_DECIMAL_MAX_SCALE}",
                value.scale
            )));
        }
        let negative = match value.negative {
            0 => false,
            1 => true,
            other => {
                return Err(FfiError::invalid(format!(
                    "decimal sign flag is {other}, expected 0 or 1"
                )))
            }
        };
        let lo = value.mantissa_lo as u32;
        let mid = (value.mantissa_lo >> 32) as u32;
        Ok(Decimal::from_parts(
            lo,
            mid,
            value.mantissa_hi,
            negative,
            u32::from(value.scale),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn round_trips_keep_scale_and_sign() {
        for text in [
            "0.50",
            "-1.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "0",
            "0.000",
        ] {
            let value = Decimal::from_str(text).unwrap();
            let back = Decimal::try_from(BarterDecimal::from(value)).unwrap();
            assert_eq!(back.to_string(), text);
            assert_eq!(back.scale(), value.scale());
        }
    }

    #[test]
    fn out_of_range_fields_are_rejected() {
        let scale = BarterDecimal {
            scale: 29,
            ..Default::default()
        };
        assert!(Decimal::try_from(scale)
            .unwrap_err()
            .message
            .contains("scale 29"));
        let sign = BarterDecimal {
            negative: 2,
            ..Default::default()
        };
        assert!(Decimal::try_from(sign).is_err());
    }
}
