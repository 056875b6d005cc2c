//! Channel layout of a recording: true stereo (one speaker per channel) or mono, including
//! "mono saved as stereo" (both channels carry the same signal, or one is silent).
//!
//! Must not depend on decoding, whisper or the transcript model.

/// How many independent speech channels a recording has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One channel of speech (a mono file, or stereo whose channels are duplicates or one is silent).
    /// The value is the index of the channel that carries the speech.
    Mono(usize),
    /// Two independent channels: left (0) and right (1).
    Stereo,
}

/// RMS below which a channel counts as silent (about -60 dBFS).
const SILENT_RMS: f64 = 1e-3;
/// Normalised correlation above which two channels count as the same signal.
const SAME_CORRELATION: f64 = 0.98;

fn rms(x: &[f32]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len() as f64).sqrt()
}

/// Decides the layout from the channel buffers.
pub fn detect(channels: &[Vec<f32>]) -> Layout {
    let [left, right] = channels else {
        return Layout::Mono(0);
    };
    let (l, r) = (rms(left), rms(right));
    if r < SILENT_RMS {
        return Layout::Mono(0);
    }
    if l < SILENT_RMS {
        return Layout::Mono(1);
    }
    let dot: f64 = left
        .iter()
        .zip(right)
        .map(|(&a, &b)| f64::from(a) * f64::from(b))
        .sum();
    let n = left.len().min(right.len()).max(1) as f64;
    let corr = dot / n / (l * r);
    if corr > SAME_CORRELATION {
        Layout::Mono(0)
    } else {
        Layout::Stereo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq: f32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| 0.3 * (i as f32 * freq * std::f32::consts::TAU / 16_000.0).sin())
            .collect()
    }

    #[test]
    fn layouts() {
        let a = tone(440.0, 16_000);
        let b = tone(1000.0, 16_000);
        let silent = vec![0.0; 16_000];
        assert_eq!(detect(std::slice::from_ref(&a)), Layout::Mono(0));
        assert_eq!(detect(&[a.clone(), b.clone()]), Layout::Stereo);
        assert_eq!(detect(&[a.clone(), a.clone()]), Layout::Mono(0));
        assert_eq!(detect(&[a.clone(), silent.clone()]), Layout::Mono(0));
        assert_eq!(detect(&[silent, b]), Layout::Mono(1));
        let scaled: Vec<f32> = a.iter().map(|v| v * 0.5).collect();
        assert_eq!(detect(&[a, scaled]), Layout::Mono(0));
    }
}
