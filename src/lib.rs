//! callqa: local, offline contact-center quality assurance.
//!
//! The pipeline is a chain of plain-data stages: transcript → scoring → results → output.
//! The scoring core (`transcript`, `text`, `rubric`, `scoring`, `metrics`, `output`) knows nothing of whisper,
//! audio decoding or clap; only `cli` parses arguments.

pub mod activity;
pub mod asr;
pub mod audio;
pub mod batch;
pub mod check;
pub mod cli;
pub mod diag;
pub mod metrics;
pub mod output;
pub mod record;
pub mod redact;
pub mod report;
pub mod rubric;
pub mod scoring;
pub mod store;
pub mod text;
pub mod tomlcheck;
pub mod transcript;
