//! The transcript cache: a finished transcript stored under a key made of the blake3 hash of the audio
//! bytes, the model's checksum and the settings, so a second run on the same audio does no ASR.
//!
//! Must not depend on whisper, decoding or clap; it stores plain transcript JSON.

use crate::transcript::Transcript;
use std::path::{Path, PathBuf};

/// Why the cache could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// A directory of cached transcripts.
#[derive(Debug, Clone)]
pub struct TranscriptCache {
    dir: PathBuf,
}

/// blake3 of a file's bytes, in hex.
pub fn hash_file(path: &Path) -> Result<String, CacheError> {
    hash_stream(path).map_err(|source| CacheError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// blake3 of a file's bytes, in hex, read in pieces rather than into memory at once (recordings are
/// decoded from the file later).
pub fn hash_stream(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(std::fs::File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// The cache key of a transcription: audio hash, model checksum and a canonical settings string.
pub fn key(audio_hash: &str, model_checksum: &str, settings: &str) -> String {
    let mut h = blake3::Hasher::new();
    for part in [audio_hash, model_checksum, settings] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex().to_string()
}

impl TranscriptCache {
    pub fn new(dir: impl Into<PathBuf>) -> TranscriptCache {
        TranscriptCache { dir: dir.into() }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The cached transcript for `key`, if any; an unreadable entry counts as a miss.
    pub fn get(&self, key: &str) -> Option<Transcript> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Stores `transcript` under `key` (written to a temporary file, then renamed).
    pub fn put(&self, key: &str, transcript: &Transcript) -> Result<(), CacheError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CacheError::Io { path, source }
        };
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.path(key);
        let tmp = self.dir.join(format!("{key}.json.tmp"));
        let text = serde_json::to_string(transcript).map_err(|source| CacheError::Json {
            path: path.clone(),
            source,
        })?;
        std::fs::write(&tmp, text).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keys_differ() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let cache = TranscriptCache::new(dir.path());
        let k = key("a", "m", "s");
        assert_ne!(k, key("a", "m", "t"));
        assert_ne!(key("ab", "", "s"), key("a", "b", "s"));
        assert!(cache.get(&k).is_none());
        let t = Transcript::new("c1");
        assert!(cache.put(&k, &t).is_ok());
        assert_eq!(cache.get(&k), Some(t));
    }
}
