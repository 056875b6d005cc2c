//! Decoder tests: tones written per channel in every supported format, decoded and resampled to
//! 16 kHz, checked for channel separation, exact duration and frequency; and the refusals, each
//! naming the file.
//!
//! Must not depend on whisper or the network; the compressed fixtures are committed in samples/tones.

use callqa::audio::decode::{DecodeError, decode_file};
use callqa::audio::resample::resample;
use std::f64::consts::TAU;
use std::path::{Path, PathBuf};

const LEFT_HZ: f64 = 440.0;
const RIGHT_HZ: f64 = 1000.0;

/// Power of `freq` in `x` (Goertzel), normalised by length.
fn power(x: &[f32], rate: f64, freq: f64) -> f64 {
    let w = TAU * freq / rate;
    let c = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s = f64::from(v) + c * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - c * s1 * s2) / (x.len() as f64 * x.len() as f64)
}

fn tone(freq: f64, rate: u32, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.5 * (TAU * freq * i as f64 / f64::from(rate)).sin())
        .collect()
}

/// G.711 μ-law encoding of one sample.
fn mulaw(x: f64) -> u8 {
    let s = (x * 32767.0).round() as i32;
    let sign = if s < 0 { 0x80 } else { 0 };
    let mag = (s.abs().min(32635) + 0x84) as u32;
    let exp = (31 - mag.leading_zeros()).saturating_sub(7).min(7);
    let mant = (mag >> (exp + 3)) & 0x0f;
    !(sign | ((exp as u8) << 4) | mant as u8)
}

/// G.711 A-law encoding of one sample.
fn alaw(x: f64) -> u8 {
    let s = (x * 32767.0).round() as i32 >> 3;
    let sign: u8 = if s >= 0 { 0x80 } else { 0 };
    let mag = if s >= 0 { s } else { -s - 1 }.min(0xfff) as u32;
    let byte = if mag < 32 {
        (mag >> 1) as u8
    } else {
        let exp = 31 - mag.leading_zeros() - 4;
        ((exp as u8) << 4) | ((mag >> exp) & 0x0f) as u8
    };
    (sign | byte) ^ 0x55
}

#[derive(Clone, Copy)]
enum Enc {
    Pcm(u16),
    Float,
    MuLaw,
    ALaw,
}

/// Writes a WAV file with one tone per channel.
fn write_wav(path: &Path, enc: Enc, rate: u32, channels: u16, seconds: f64) {
    let n = (seconds * f64::from(rate)) as usize;
    let chans: Vec<Vec<f64>> = [LEFT_HZ, RIGHT_HZ, 1500.0]
        .iter()
        .take(channels as usize)
        .map(|&f| tone(f, rate, n))
        .collect();
    let (tag, bits): (u16, u16) = match enc {
        Enc::Pcm(b) => (1, b),
        Enc::Float => (3, 32),
        Enc::MuLaw => (7, 8),
        Enc::ALaw => (6, 8),
    };
    let mut data = Vec::new();
    for i in 0..n {
        for c in &chans {
            let x = c[i];
            match enc {
                Enc::Pcm(8) => data.push(((x * 127.0).round() as i16 + 128) as u8),
                Enc::Pcm(16) => data.extend(((x * 32767.0).round() as i16).to_le_bytes()),
                Enc::Pcm(24) => data.extend(&((x * 8_388_607.0).round() as i32).to_le_bytes()[..3]),
                Enc::Pcm(_) => data.extend(((x * 2_147_483_647.0).round() as i32).to_le_bytes()),
                Enc::Float => data.extend((x as f32).to_le_bytes()),
                Enc::MuLaw => data.push(mulaw(x)),
                Enc::ALaw => data.push(alaw(x)),
            }
        }
    }
    let block = channels * bits / 8;
    // Non-PCM formats carry a cbSize field, making the fmt chunk 18 bytes.
    let fmt_len: u32 = if tag == 1 { 16 } else { 18 };
    let mut out = Vec::new();
    out.extend(b"RIFF");
    out.extend((20 + fmt_len + data.len() as u32).to_le_bytes());
    out.extend(b"WAVEfmt ");
    out.extend(fmt_len.to_le_bytes());
    out.extend(tag.to_le_bytes());
    out.extend(channels.to_le_bytes());
    out.extend(rate.to_le_bytes());
    out.extend((rate * u32::from(block)).to_le_bytes());
    out.extend(block.to_le_bytes());
    out.extend(bits.to_le_bytes());
    if tag != 1 {
        out.extend(0u16.to_le_bytes());
    }
    out.extend(b"data");
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    std::fs::write(path, out).expect("write test wav");
}

fn tones_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/tones"))
}

/// Decodes, resamples to 16 kHz and checks duration, frequency and separation of a 440/1000 Hz file.
fn check_stereo_tones(path: &Path, seconds: f64, tolerance: f64) {
    let audio = decode_file(path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(audio.channels.len(), 2, "{}", path.display());
    let dur = audio.duration();
    assert!(
        (dur - seconds).abs() <= tolerance,
        "{}: duration {dur} vs {seconds}",
        path.display()
    );
    let expected_len =
        callqa::audio::resample::output_len(audio.channels[0].len(), audio.sample_rate, 16_000);
    for (ch, (own, other)) in [(LEFT_HZ, RIGHT_HZ), (RIGHT_HZ, LEFT_HZ)]
        .iter()
        .enumerate()
    {
        let x = resample(&audio.channels[ch], audio.sample_rate, 16_000)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(x.len(), expected_len);
        // Skip the edges, where codecs and the resampler ramp.
        let mid = &x[x.len() / 5..x.len() * 4 / 5];
        let p_own = power(mid, 16_000.0, *own);
        let p_other = power(mid, 16_000.0, *other);
        let p_off = power(mid, 16_000.0, own * 1.1);
        assert!(p_own > 0.04, "{} ch{ch}: weak tone {p_own}", path.display());
        assert!(
            p_other < p_own / 1000.0,
            "{} ch{ch}: cross-talk {p_other} vs {p_own}",
            path.display()
        );
        assert!(
            p_off < p_own / 100.0,
            "{} ch{ch}: wrong frequency",
            path.display()
        );
    }
}

#[test]
fn wav_encodings_at_various_rates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (Enc::Pcm(8), 11_025, "u8"),
        (Enc::Pcm(16), 44_100, "s16"),
        (Enc::Pcm(24), 48_000, "s24"),
        (Enc::Pcm(32), 22_050, "s32"),
        (Enc::Float, 16_000, "f32"),
        (Enc::MuLaw, 8_000, "ulaw"),
        (Enc::ALaw, 8_000, "alaw"),
    ];
    for (enc, rate, name) in cases {
        let path = dir.path().join(format!("{name}.wav"));
        write_wav(&path, enc, rate, 2, 1.0);
        check_stereo_tones(&path, 1.0, 1e-9);
    }
}

#[test]
fn g711_with_a_short_fmt_chunk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = dir.path().join("full.wav");
    write_wav(&full, Enc::MuLaw, 8_000, 2, 1.0);
    let bytes = std::fs::read(&full).expect("read");
    // Drop the 2-byte cbSize, as many recorders do, and fix the chunk and RIFF sizes.
    let mut short = Vec::new();
    short.extend_from_slice(&bytes[..4]);
    short.extend_from_slice(
        &(u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) - 2).to_le_bytes(),
    );
    short.extend_from_slice(&bytes[8..16]);
    short.extend_from_slice(&16u32.to_le_bytes());
    short.extend_from_slice(&bytes[20..36]);
    short.extend_from_slice(&bytes[38..]);
    let path = dir.path().join("short-fmt.wav");
    std::fs::write(&path, short).expect("write");
    check_stereo_tones(&path, 1.0, 1e-9);
}

#[test]
fn exact_length_after_resampling() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("long.wav");
    write_wav(&path, Enc::MuLaw, 8_000, 1, 60.0);
    let audio = decode_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let x = resample(&audio.channels[0], 8_000, 16_000).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.len(), 16_000 * 60);
}

#[test]
fn compressed_formats() {
    for (file, tol) in [
        ("stereo-440-1000.flac", 1e-9),
        ("stereo-440-1000.ogg", 0.01),
        // MP3 frames round the length up to whole frames.
        ("stereo-440-1000.mp3", 0.08),
    ] {
        check_stereo_tones(&tones_dir().join(file), 1.0, tol);
    }
}

fn err_of(path: &Path) -> (DecodeError, String) {
    match decode_file(path) {
        Ok(_) => panic!("{} decoded but should not", path.display()),
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.starts_with(&path.display().to_string()),
                "error does not name the file: {text}"
            );
            (e, text)
        }
    }
}

#[test]
fn refusals_name_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n);

    std::fs::write(p("empty.wav"), b"").expect("write");
    assert!(matches!(
        err_of(&p("empty.wav")).0,
        DecodeError::Empty { .. }
    ));

    std::fs::write(p("junk.wav"), b"this is not audio at all, just some text").expect("write");
    let (e, text) = err_of(&p("junk.wav"));
    assert!(matches!(e, DecodeError::Unrecognised { .. }), "{text}");

    write_wav(&p("three.wav"), Enc::Pcm(16), 16_000, 3, 0.5);
    let (e, text) = err_of(&p("three.wav"));
    assert!(
        matches!(e, DecodeError::TooManyChannels { count: 3, .. }),
        "{text}"
    );

    write_wav(&p("zero.wav"), Enc::Pcm(16), 16_000, 2, 0.0);
    assert!(matches!(
        err_of(&p("zero.wav")).0,
        DecodeError::ZeroLength { .. }
    ));

    // A header cut short of its data chunk.
    write_wav(&p("whole.wav"), Enc::Pcm(16), 16_000, 1, 0.5);
    let bytes = std::fs::read(p("whole.wav")).expect("read");
    std::fs::write(p("cut.wav"), &bytes[..30]).expect("write");
    err_of(&p("cut.wav"));

    // WAV with format tag 0x0031 (GSM 6.10), which callqa does not decode.
    let mut gsm = bytes.clone();
    gsm[20..22].copy_from_slice(&0x31u16.to_le_bytes());
    std::fs::write(p("gsm.wav"), &gsm).expect("write");
    let (e, text) = err_of(&p("gsm.wav"));
    assert!(matches!(e, DecodeError::UnsupportedCodec { .. }), "{text}");
    assert!(
        text.ends_with("gsm.wav: unsupported codec: GSM 6.10 (WAV format tag 0x0031)"),
        "{text}"
    );
}

#[test]
fn truncated_data_keeps_what_was_decoded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let whole = dir.path().join("whole.wav");
    write_wav(&whole, Enc::Pcm(16), 16_000, 1, 1.0);
    let bytes = std::fs::read(&whole).expect("read");
    let cut = dir.path().join("cut.wav");
    std::fs::write(&cut, &bytes[..44 + 16_000]).expect("write");
    let audio = decode_file(&cut).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        (audio.duration() - 0.5).abs() < 0.01,
        "{}",
        audio.duration()
    );
}
