//! Decoding of WAV (PCM, float, G.711 μ-law/A-law), MP3, FLAC and OGG/Vorbis files with symphonia
//! into per-channel f32 buffers at the file's own sample rate.
//!
//! Must not depend on whisper, resampling or the transcript model; every error names the file.

use super::Audio;
use std::fs::File;
use std::path::{Path, PathBuf};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::codecs::audio::well_known as codecs;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// Why a recording could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}: not a recognised audio file (corrupt, truncated or an unknown container): {detail}", path.display())]
    Unrecognised { path: PathBuf, detail: String },
    #[error("{}: unsupported codec: {codec}", path.display())]
    UnsupportedCodec { path: PathBuf, codec: String },
    #[error("{}: the file is corrupt or truncated: {detail}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("{}: {count} channels; only mono and stereo recordings are supported", path.display())]
    TooManyChannels { path: PathBuf, count: usize },
    #[error("{}: the recording contains no audio (zero length)", path.display())]
    ZeroLength { path: PathBuf },
}

/// Decodes the audio file at `path`.
pub fn decode_file(path: &Path) -> Result<Audio, DecodeError> {
    let meta = std::fs::metadata(path).map_err(|source| DecodeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() == 0 {
        return Err(DecodeError::Empty {
            path: path.to_path_buf(),
        });
    }
    let file = File::open(path).map_err(|source| DecodeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    match decode_stream(path, mss, &hint) {
        // Many telephony recorders write G.711 WAVs with a 16-byte `fmt ` chunk (no cbSize), which
        // symphonia refuses; the same bytes with the field added decode fine.
        Err(DecodeError::Unrecognised { detail, .. })
            if detail.contains("fmt_mulaw") || detail.contains("fmt_alaw") =>
        {
            let bytes = std::fs::read(path).map_err(|source| DecodeError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let fixed = add_cb_size(&bytes).ok_or_else(|| DecodeError::Corrupt {
                path: path.to_path_buf(),
                detail,
            })?;
            let mss =
                MediaSourceStream::new(Box::new(std::io::Cursor::new(fixed)), Default::default());
            decode_stream(path, mss, &hint)
        }
        other => other,
    }
}

/// Rewrites a WAV whose 16-byte `fmt ` chunk lacks the cbSize field into one with it (set to 0).
fn add_cb_size(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WAVE" {
        return None;
    }
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let len = u32::from_le_bytes(bytes.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        if bytes.get(at..at + 4)? == b"fmt " {
            if len != 16 {
                return None;
            }
            let body_end = at + 8 + 16;
            let mut out = Vec::with_capacity(bytes.len() + 2);
            out.extend_from_slice(bytes.get(..at + 4)?);
            out.extend_from_slice(&18u32.to_le_bytes());
            out.extend_from_slice(bytes.get(at + 8..body_end)?);
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(bytes.get(body_end..)?);
            let riff = u32::from_le_bytes(out.get(4..8)?.try_into().ok()?).checked_add(2)?;
            out.get_mut(4..8)?.copy_from_slice(&riff.to_le_bytes());
            return Some(out);
        }
        at = at.checked_add(8 + len + (len & 1))?;
    }
    None
}

fn codec_name(id: symphonia::core::codecs::audio::AudioCodecId) -> String {
    let known = [
        (codecs::CODEC_ID_AAC, "AAC"),
        (codecs::CODEC_ID_ALAC, "ALAC"),
        (codecs::CODEC_ID_OPUS, "Opus"),
        (codecs::CODEC_ID_SPEEX, "Speex"),
        (codecs::CODEC_ID_AC3, "AC-3"),
        (codecs::CODEC_ID_EAC3, "E-AC-3"),
        (codecs::CODEC_ID_MP1, "MPEG Layer I"),
        (codecs::CODEC_ID_MP2, "MPEG Layer II"),
        (codecs::CODEC_ID_ADPCM_G722, "G.722 ADPCM"),
        (codecs::CODEC_ID_ADPCM_G726, "G.726 ADPCM"),
        (codecs::CODEC_ID_ADPCM_G726LE, "G.726 ADPCM"),
        (codecs::CODEC_ID_ADPCM_MS, "Microsoft ADPCM"),
        (codecs::CODEC_ID_ADPCM_IMA_WAV, "IMA ADPCM"),
        (codecs::CODEC_ID_ADPCM_IMA_QT, "IMA ADPCM (QuickTime)"),
    ];
    known
        .iter()
        .find(|(k, _)| *k == id)
        .map_or_else(|| format!("codec id {id}"), |(_, n)| (*n).to_string())
}

/// The format tag of a RIFF/WAVE file's `fmt ` chunk, if the file has one.
fn wav_format_tag(path: &Path) -> Option<u16> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WAVE" {
        return None;
    }
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = bytes.get(at..at + 4)?;
        let len = u32::from_le_bytes(bytes.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        if id == b"fmt " {
            return Some(u16::from_le_bytes(
                bytes.get(at + 8..at + 10)?.try_into().ok()?,
            ));
        }
        at = at.checked_add(8 + len + (len & 1))?;
    }
    None
}

fn wav_codec_name(tag: u16) -> String {
    let name = match tag {
        0x0002 => "Microsoft ADPCM",
        0x0011 => "IMA ADPCM",
        0x0022 => "TrueSpeech",
        0x0031 => "GSM 6.10",
        0x0040 | 0x0064 => "G.721 ADPCM",
        0x0042 => "G.723.1",
        0x0045 => "G.726 ADPCM",
        0x0050 => "MPEG Layer I/II",
        0x0055 => "MPEG Layer III in WAV",
        0x0065 => "G.722 ADPCM",
        0x0161 => "Windows Media Audio",
        _ => "",
    };
    if name.is_empty() {
        format!("WAV format tag {tag:#06x}")
    } else {
        format!("{name} (WAV format tag {tag:#06x})")
    }
}

fn decode_stream(path: &Path, mss: MediaSourceStream, hint: &Hint) -> Result<Audio, DecodeError> {
    let owned = || path.to_path_buf();
    let mut format = symphonia::default::get_probe()
        .probe(
            hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::Unsupported(what) if what.starts_with("wav: unsupported") => {
                DecodeError::UnsupportedCodec {
                    path: owned(),
                    codec: wav_format_tag(path).map_or_else(|| what.to_string(), wav_codec_name),
                }
            }
            other => DecodeError::Unrecognised {
                path: owned(),
                detail: other.to_string(),
            },
        })?;
    let track =
        format
            .default_track(TrackType::Audio)
            .ok_or_else(|| DecodeError::Unrecognised {
                path: owned(),
                detail: "no audio track".into(),
            })?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| DecodeError::Unrecognised {
            path: owned(),
            detail: "the audio track has no codec parameters".into(),
        })?
        .clone();
    if let Some(ch) = &params.channels
        && ch.count() > 2
    {
        return Err(DecodeError::TooManyChannels {
            path: owned(),
            count: ch.count(),
        });
    }
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|_| DecodeError::UnsupportedCodec {
            path: owned(),
            codec: codec_name(params.codec),
        })?;

    let mut channels: Vec<Vec<f32>> = Vec::new();
    let mut sample_rate = params.sample_rate.unwrap_or(0);
    let mut planar: Vec<Vec<f32>> = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            // A short read at the end of a stream is how a truncated file shows itself; keep what decoded.
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => {
                return Err(DecodeError::Corrupt {
                    path: owned(),
                    detail: e.to_string(),
                });
            }
        };
        if packet.track_id != track_id {
            continue;
        }
        let buf = decoder.decode(&packet).map_err(|e| DecodeError::Corrupt {
            path: owned(),
            detail: e.to_string(),
        })?;
        let count = buf.spec().channels().count();
        if count > 2 {
            return Err(DecodeError::TooManyChannels {
                path: owned(),
                count,
            });
        }
        sample_rate = buf.spec().rate();
        buf.copy_to_vecs_planar::<f32>(&mut planar);
        if channels.is_empty() {
            channels = vec![Vec::new(); planar.len()];
        }
        for (dst, src) in channels.iter_mut().zip(&planar) {
            dst.extend_from_slice(src);
        }
    }
    if channels.first().is_none_or(Vec::is_empty) || sample_rate == 0 {
        return Err(DecodeError::ZeroLength { path: owned() });
    }
    Ok(Audio {
        sample_rate,
        channels,
    })
}
