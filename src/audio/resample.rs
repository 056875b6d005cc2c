//! Resampling of one channel to 16 kHz with rubato's FFT resampler, trimmed to the exact length the
//! input's duration implies (60.00 s in is 60.00 s out).
//!
//! Must not depend on decoding, whisper or the transcript model.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Why resampling failed.
#[derive(Debug, thiserror::Error)]
pub enum ResampleError {
    #[error("cannot resample from {from} Hz to {to} Hz: {detail}")]
    Rate { from: u32, to: u32, detail: String },
}

/// Number of frames `frames` input frames at `from` Hz last at `to` Hz.
pub fn output_len(frames: usize, from: u32, to: u32) -> usize {
    ((frames as u128 * u128::from(to) + u128::from(from) / 2) / u128::from(from)) as usize
}

/// Resamples one channel from `from` Hz to `to` Hz; the output has exactly [`output_len`] frames.
pub fn resample(samples: &[f32], from: u32, to: u32) -> Result<Vec<f32>, ResampleError> {
    let err = |detail: String| ResampleError::Rate { from, to, detail };
    if from == to {
        return Ok(samples.to_vec());
    }
    let want = output_len(samples.len(), from, to);
    if samples.is_empty() {
        return Ok(Vec::new());
    }
    let mut resampler = Fft::<f32>::new(from as usize, to as usize, 1024, 1, FixedSync::Input)
        .map_err(|e| err(e.to_string()))?;
    let input = InterleavedSlice::new(samples, 1, samples.len()).map_err(|e| err(e.to_string()))?;
    let out = resampler
        .process_all(&input, samples.len(), None)
        .map_err(|e| err(e.to_string()))?;
    let mut data = out.take_data();
    data.resize(want, 0.0);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_lengths() {
        assert_eq!(output_len(8000 * 60, 8000, 16000), 16000 * 60);
        assert_eq!(output_len(44100 * 60, 44100, 16000), 16000 * 60);
        assert_eq!(output_len(3, 48000, 16000), 1);
        let tone: Vec<f32> = (0..44_100 * 2).map(|i| (i as f32 * 0.01).sin()).collect();
        assert_eq!(
            resample(&tone, 44_100, 16_000).map(|v| v.len()).ok(),
            Some(32_000)
        );
        let short: Vec<f32> = vec![0.5; 7];
        assert_eq!(
            resample(&short, 8_000, 16_000).map(|v| v.len()).ok(),
            Some(14)
        );
    }
}
