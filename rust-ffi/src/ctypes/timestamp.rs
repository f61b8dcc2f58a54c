//! `BarterTimestamp`: a UTC instant as whole seconds plus nanoseconds, the
//! exact content of chrono's `DateTime<Utc>` (leap seconds included).

use crate::status::FfiError;
use chrono::{DateTime, Utc};

/// Seconds since 1970-01-01T00:00:00Z (negative before) plus `nanos`.
/// `nanos` is below 1_000_000_000 except during a leap second, where chrono
/// represents 23:59:60.x as second 59 with `nanos` of 1_000_000_000 or more.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BarterTimestamp {
    pub seconds: i64,
    pub nanos: u32,
    /// Set to zero.
    pub reserved: u32,
}

impl From<DateTime<Utc>> for BarterTimestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Self {
            seconds: value.timestamp(),
            nanos: value.timestamp_subsec_nanos(),
            reserved: 0,
        }
    }
}

impl TryFrom<BarterTimestamp> for DateTime<Utc> {
    type Error = FfiError;

    fn try_from(value: BarterTimestamp) -> Result<Self, FfiError> {
        DateTime::from_timestamp(value.seconds, value.nanos).ok_or_else(|| {
            FfiError::invalid(format!(
                "timestamp {}s + {}ns is outside chrono's range or not a valid leap second",
                value.seconds, value.nanos
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_nanoseconds_and_leap_seconds() {
        for text in [
            "2025-10-05T10:15:00.123456789Z",
            "1969-12-31T23:59:59.999999999Z",
            "2016-12-31T23:59:60.500Z",
            "+10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
        ] {
            let value: DateTime<Utc> = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            let back = DateTime::<Utc>::try_from(BarterTimestamp::from(value)).unwrap();
            assert_eq!(back, value);
            assert_eq!(serde_json::to_string(&back).unwrap(), format!("\"{text}\""));
        }
    }

    #[test]
    fn invalid_instants_are_rejected() {
        let not_leap = BarterTimestamp {
            seconds: 0,
            nanos: 1_500_000_000,
            reserved: 0,
        };
        assert!(DateTime::<Utc>::try_from(not_leap).is_err());
        let too_far = BarterTimestamp {
            seconds: i64::MAX,
            nanos: 0,
            reserved: 0,
        };
        assert!(DateTime::<Utc>::try_from(too_far).is_err());
    }
}
