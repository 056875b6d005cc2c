//! The model registry (whisper.cpp's published ggml models with size and SHA-1, plus the Silero VAD
//! model), where models live on disk, and the downloader: stream to `NAME.part`, verify the SHA-1,
//! then rename into place, so a failed or corrupted download never leaves a usable-looking file.
//!
//! Must not depend on clap or environment variables: the CLI passes the directory and base URL.

use sha1::{Digest, Sha1};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What a known model is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    Whisper,
    Vad,
}

/// A model callqa knows how to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownModel {
    pub name: &'static str,
    pub kind: ModelKind,
    /// Approximate size as published.
    pub size: &'static str,
    pub sha1: &'static str,
}

/// Where whisper.cpp's ggml models are published.
pub const WHISPER_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";
/// Where whisper.cpp's ggml Silero VAD models are published.
pub const VAD_BASE_URL: &str = "https://huggingface.co/ggml-org/whisper-vad/resolve/main";
/// The default whisper model.
pub const DEFAULT_MODEL: &str = "base.en";
/// The default VAD model.
pub const DEFAULT_VAD_MODEL: &str = "silero-v6.2.0";

const fn whisper(name: &'static str, size: &'static str, sha1: &'static str) -> KnownModel {
    KnownModel {
        name,
        kind: ModelKind::Whisper,
        size,
        sha1,
    }
}

/// whisper.cpp's table of models (models/README.md) and the Silero VAD model.
pub const KNOWN_MODELS: &[KnownModel] = &[
    whisper("tiny", "75 MiB", "bd577a113a864445d4c299885e0cb97d4ba92b5f"),
    whisper(
        "tiny.en",
        "75 MiB",
        "c78c86eb1a8faa21b369bcd33207cc90d64ae9df",
    ),
    whisper(
        "base",
        "142 MiB",
        "465707469ff3a37a2b9b8d8f89f2f99de7299dac",
    ),
    whisper(
        "base.en",
        "142 MiB",
        "137c40403d78fd54d454da0f9bd998f78703390c",
    ),
    whisper(
        "small",
        "466 MiB",
        "55356645c2b361a969dfd0ef2c5a50d530afd8d5",
    ),
    whisper(
        "small.en",
        "466 MiB",
        "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022",
    ),
    whisper(
        "small.en-tdrz",
        "465 MiB",
        "b6c6e7e89af1a35c08e6de56b66ca6a02a2fdfa1",
    ),
    whisper(
        "medium",
        "1.5 GiB",
        "fd9727b6e1217c2f614f9b698455c4ffd82463b4",
    ),
    whisper(
        "medium.en",
        "1.5 GiB",
        "8c30f0e44ce9560643ebd10bbe50cd20eafd3723",
    ),
    whisper(
        "large-v1",
        "2.9 GiB",
        "b1caaf735c4cc1429223d5a74f0f4d0b9b59a299",
    ),
    whisper(
        "large-v2",
        "2.9 GiB",
        "0f4c8e34f21cf1a914c59d8b3ce882345ad349d6",
    ),
    whisper(
        "large-v2-q5_0",
        "1.1 GiB",
        "00e39f2196344e901b3a2bd5814807a769bd1630",
    ),
    whisper(
        "large-v3",
        "2.9 GiB",
        "ad82bf6a9043ceed055076d0fd39f5f186ff8062",
    ),
    whisper(
        "large-v3-q5_0",
        "1.1 GiB",
        "e6e2ed78495d403bef4b7cff42ef4aaadcfea8de",
    ),
    KnownModel {
        name: "silero-v6.2.0",
        kind: ModelKind::Vad,
        size: "864 KiB",
        sha1: "470e5d9d094ddba2f0a512cecc3732a252188abd",
    },
];

/// Why a model could not be found or fetched.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(
        "unknown model '{0}'; run `callqa models list` for the known names, or pass a file path"
    )]
    Unknown(String),
    #[error(
        "model '{name}' is not in {}; run `callqa models download {name}` or put the file at {}",
        dir.display(), dir.join(file).display()
    )]
    Missing {
        name: String,
        dir: PathBuf,
        file: String,
    },
    #[error("model file {} does not exist", .0.display())]
    NoSuchFile(PathBuf),
    #[error(
        "downloading {url} failed: {detail}; check the connection and run `callqa models download {name}` again, or put the file at {}",
        dest.display()
    )]
    Download {
        name: String,
        url: String,
        dest: PathBuf,
        detail: String,
    },
    #[error(
        "downloaded {name} has SHA-1 {actual} but {expected} was expected; the file was discarded"
    )]
    Checksum {
        name: String,
        expected: String,
        actual: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Looks up a known model by name.
pub fn find(name: &str) -> Option<&'static KnownModel> {
    KNOWN_MODELS.iter().find(|m| m.name == name)
}

impl KnownModel {
    /// The model's file name in the models directory.
    pub fn file_name(&self) -> String {
        format!("ggml-{}.bin", self.name)
    }

    /// Where the model is published, under `base` (or the official location when `base` is `None`).
    pub fn url(&self, base: Option<&str>) -> String {
        let default = match self.kind {
            ModelKind::Whisper => WHISPER_BASE_URL,
            ModelKind::Vad => VAD_BASE_URL,
        };
        format!(
            "{}/{}",
            base.unwrap_or(default).trim_end_matches('/'),
            self.file_name()
        )
    }

    /// Where the model lives in `dir`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(self.file_name())
    }
}

/// A `--model` value: a known name or a path to a file.
pub fn resolve(spec: &str, dir: &Path) -> Result<PathBuf, ModelError> {
    if let Some(model) = find(spec) {
        let path = model.path_in(dir);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(ModelError::Missing {
                name: spec.to_string(),
                dir: dir.to_path_buf(),
                file: model.file_name(),
            })
        };
    }
    let path = PathBuf::from(spec);
    if path.is_file() {
        Ok(path)
    } else if spec.contains('/') || spec.ends_with(".bin") {
        Err(ModelError::NoSuchFile(path))
    } else {
        Err(ModelError::Unknown(spec.to_string()))
    }
}

/// SHA-1 of a file, in lower-case hex.
pub fn sha1_file(path: &Path) -> Result<String, ModelError> {
    let io = |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = Sha1::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Downloads `model` into `dir` from `base` (official location when `None`), reporting
/// `(bytes so far, total if known)` to `progress`. Returns the final path.
pub fn download(
    model: &KnownModel,
    dir: &Path,
    base: Option<&str>,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<PathBuf, ModelError> {
    let url = model.url(base);
    let dest = model.path_in(dir);
    let part = dir.join(format!("{}.part", model.file_name()));
    let fail = |detail: String| ModelError::Download {
        name: model.name.to_string(),
        url: url.clone(),
        dest: dest.clone(),
        detail,
    };
    std::fs::create_dir_all(dir).map_err(|source| ModelError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let result = fetch_to(&url, &part, progress).map_err(fail);
    let actual = match result {
        Ok(sha) => sha,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
    };
    if actual != model.sha1 {
        let _ = std::fs::remove_file(&part);
        return Err(ModelError::Checksum {
            name: model.name.to_string(),
            expected: model.sha1.to_string(),
            actual,
        });
    }
    std::fs::rename(&part, &dest).map_err(|source| ModelError::Io {
        path: dest.clone(),
        source,
    })?;
    Ok(dest)
}

/// Streams `url` into `part`, hashing as it goes; returns the SHA-1.
fn fetch_to(
    url: &str,
    part: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<String, String> {
    let mut response = ureq::get(url).call().map_err(|e| e.to_string())?;
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut reader = response.body_mut().as_reader();
    let mut file = File::create(part).map_err(|e| format!("{}: {e}", part.display()))?;
    let mut hasher = Sha1::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut done = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])
            .map_err(|e| format!("{}: {e}", part.display()))?;
        done += n as u64;
        progress(done, total);
    }
    file.sync_all()
        .map_err(|e| format!("{}: {e}", part.display()))?;
    if let Some(total) = total
        && done != total
    {
        return Err(format!("connection closed after {done} of {total} bytes"));
    }
    Ok(hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_and_paths() {
        let dir = Path::new("/nonexistent-callqa-models");
        let err = resolve("base.en", dir)
            .map(|_| ())
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "model 'base.en' is not in /nonexistent-callqa-models; run `callqa models download base.en` or put the file at /nonexistent-callqa-models/ggml-base.en.bin"
            )
        );
        assert!(matches!(resolve("nope", dir), Err(ModelError::Unknown(_))));
        assert!(matches!(
            resolve("/x/y.bin", dir),
            Err(ModelError::NoSuchFile(_))
        ));
        let m = find("tiny.en").map(|m| m.url(Some("http://127.0.0.1:1/")));
        assert_eq!(m.as_deref(), Some("http://127.0.0.1:1/ggml-tiny.en.bin"));
    }
}
