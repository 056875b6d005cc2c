//! Errors of the metrics stage: transcripts that carry no timing and settings out of range.
//!
//! Must not depend on audio, whisper or clap.

/// Why metrics cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    #[error(
        "transcript `{call_id}` has no segment times (or only some segments have them); conversation metrics need a timed transcript or the recording"
    )]
    Untimed { call_id: String },
    #[error("setting `{name}` must be {requirement}, got {value}")]
    InvalidSetting {
        name: &'static str,
        value: f64,
        requirement: &'static str,
    },
}

/// Checks that a setting is a finite number, greater than zero when `positive`, else at least zero.
pub(crate) fn check_setting(
    name: &'static str,
    value: f64,
    positive: bool,
) -> Result<(), MetricsError> {
    let ok = value.is_finite() && if positive { value > 0.0 } else { value >= 0.0 };
    if ok {
        Ok(())
    } else {
        Err(MetricsError::InvalidSetting {
            name,
            value,
            requirement: if positive {
                "a finite number greater than 0"
            } else {
                "a finite number of at least 0"
            },
        })
    }
}
