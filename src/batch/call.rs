//! One input of a batch, start to finish on a worker: hash, shard, agent, then skip, re-score from
//! the store, or read/transcribe → metrics → score. The result goes to the writer as a message.
//!
//! Must not depend on clap, terminals or whisper directly.

use super::agents::AgentInfo;
use super::{AgentSources, AudioTranscriber, BatchSettings, Message, Outcome, is_audio};
use crate::metrics::{Metrics, transcript_metrics};
use crate::record::CallRecord;
use crate::rubric::Rubric;
use crate::scoring::score_with_metrics;
use crate::store::{CallOrigin, Failure, Store};
use crate::transcript::{AgentChannel, Transcript, file_call_id, parse_bytes_with};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// What every worker shares.
pub(super) struct Context<'a> {
    pub rubric: &'a Rubric,
    pub agents: &'a AgentSources,
    pub asr: Option<&'a dyn AudioTranscriber>,
    pub settings: &'a BatchSettings,
    /// This worker's read connection to the store.
    pub reader: &'a Store,
    /// Call ids taken in this run, with the file that took them.
    pub claimed: &'a Mutex<HashMap<String, String>>,
}

/// A call's metrics: those measured from the recording when it was transcribed (the transcript carries
/// them, also from the cache), else derived from the transcript's segment times (approximate), else
/// none (untimed transcripts). The one place a batch chooses metrics.
pub fn call_metrics(transcript: &Transcript) -> Option<Metrics> {
    transcript_metrics(transcript).ok().map(Cow::into_owned)
}

fn merge_info(into: &mut AgentInfo, from: &AgentInfo) {
    let fill = |a: &mut Option<String>, b: &Option<String>| {
        if a.is_none() {
            a.clone_from(b);
        }
    };
    fill(&mut into.call_id, &from.call_id);
    fill(&mut into.agent_id, &from.agent_id);
    fill(&mut into.agent_name, &from.agent_name);
    fill(&mut into.team, &from.team);
    fill(&mut into.date, &from.date);
    fill(&mut into.agent_channel, &from.agent_channel);
    fill(&mut into.queue, &from.queue);
}

impl Context<'_> {
    /// Processes one input; returns the message for the writer and the time spent in whisper.
    pub fn process(&self, path: &Path) -> (Message, Duration) {
        let source = path.display().to_string();
        let fail = |hash: &str, call_id: Option<&str>, reason: String| {
            Message::Fail(
                Failure {
                    source: source.clone(),
                    content_hash: hash.to_string(),
                    call_id: call_id.map(String::from),
                    reason: reason.clone(),
                },
                Outcome::Failed {
                    source: source.clone(),
                    reason,
                },
            )
        };
        let audio = is_audio(path);
        // A transcript is parsed from the bytes read for its hash; a recording is only hashed here
        // (streamed, not held) and decoded later, only when it is transcribed.
        let read = if audio {
            crate::asr::cache::hash_stream(path).map(|hash| (hash, None))
        } else {
            std::fs::read(path).map(|b| (blake3::hash(&b).to_hex().to_string(), Some(b)))
        };
        let (hash, transcript_bytes) = match read {
            Ok(r) => r,
            Err(e) => {
                return (
                    fail("", None, format!("{source}: cannot read: {e}")),
                    Duration::ZERO,
                );
            }
        };
        if let Some(shard) = &self.settings.shard
            && !shard.takes(&hash)
        {
            return (Message::Note(Outcome::OtherShard), Duration::ZERO);
        }
        if !self.settings.retry_failed {
            match self.reader.failure_of(&source, &hash) {
                Ok(Some(reason)) => {
                    return (
                        Message::Note(Outcome::FailedBefore {
                            source: source.clone(),
                            reason,
                        }),
                        Duration::ZERO,
                    );
                }
                Ok(None) => {}
                Err(e) => return (fail(&hash, None, e.to_string()), Duration::ZERO),
            }
        }
        // Agent information, first found wins: the manifest row for the file, the row for the call id,
        // the file-name pattern, the transcript itself.
        let mut info = AgentInfo::default();
        if let Some(row) = self.agents.manifest.as_ref().and_then(|m| m.for_file(path)) {
            merge_info(&mut info, row);
        }
        let from_pattern = match self.agents.pattern.as_ref().map(|p| p.apply(path)) {
            Some(Ok(found)) => found,
            Some(Err(e)) => return (fail(&hash, None, format!("{source}: {e}")), Duration::ZERO),
            None => None,
        };
        if info.call_id.is_none()
            && let Some(found) = &from_pattern
        {
            info.call_id.clone_from(&found.call_id);
        }
        let loaded =
            match transcript_bytes.map(|b| parse_bytes_with(b, path, &self.settings.import)) {
                None => None,
                Some(Ok(t)) => Some(t),
                Some(Err(e)) => return (fail(&hash, None, e.to_string()), Duration::ZERO),
            };
        let call_id = info
            .call_id
            .clone()
            .or_else(|| loaded.as_ref().map(|t| t.call_id.clone()))
            .unwrap_or_else(|| file_call_id(path));
        if let Some(row) = self
            .agents
            .manifest
            .as_ref()
            .and_then(|m| m.for_call(&call_id))
        {
            merge_info(&mut info, row);
        }
        if let Some(found) = &from_pattern {
            merge_info(&mut info, found);
        }
        if let Some(t) = &loaded {
            let from_transcript = AgentInfo {
                agent_id: t.agent_id.clone(),
                agent_name: t.agent_name.clone(),
                date: t.date.clone(),
                ..AgentInfo::default()
            };
            merge_info(&mut info, &from_transcript);
        }
        if let Ok(mut claimed) = self.claimed.lock() {
            if let Some(other) = claimed.get(&call_id) {
                let reason = format!("{source}: call id `{call_id}` is also the id of {other}");
                return (fail(&hash, Some(&call_id), reason), Duration::ZERO);
            }
            claimed.insert(call_id.clone(), source.clone());
        }
        let model = if audio {
            self.asr.map(|a| a.model())
        } else {
            None
        };
        let agent = match info.agent_channel.as_deref() {
            Some("right") => AgentChannel::Right,
            Some(_) => AgentChannel::Left,
            None => self.settings.import.agent_channel,
        };
        // Already in the store with this content (and model)?
        let state = match self.reader.call_state(&call_id) {
            Ok(s) => s,
            Err(e) => return (fail(&hash, Some(&call_id), e.to_string()), Duration::ZERO),
        };
        let same_content = state.as_ref().is_some_and(|s| {
            s.content_hash == hash && s.model_sha1 == model.as_ref().map(|m| m.1.clone())
        });
        if same_content
            && state
                .as_ref()
                .is_some_and(|s| s.rubrics.contains(&self.rubric.sha256))
        {
            return (Message::Note(Outcome::Done { source }), Duration::ZERO);
        }
        let mut whisper = Duration::ZERO;
        let mut rescored = false;
        let (transcript, metrics) = if same_content {
            match self.reader.stored_transcript(&call_id) {
                Ok(Some((t, m))) => {
                    rescored = true;
                    (t, m)
                }
                Ok(None) => {
                    return (
                        fail(
                            &hash,
                            Some(&call_id),
                            format!("{source}: stored call has no transcript"),
                        ),
                        whisper,
                    );
                }
                Err(e) => return (fail(&hash, Some(&call_id), e.to_string()), whisper),
            }
        } else if let Some(t) = loaded {
            let m = call_metrics(&t);
            (t, m)
        } else {
            let Some(asr) = self.asr else {
                return (
                    fail(
                        &hash,
                        Some(&call_id),
                        format!("{source}: no whisper model to transcribe it with"),
                    ),
                    whisper,
                );
            };
            match asr.transcribe(path, &call_id, &hash, agent) {
                Ok(done) => {
                    whisper = done.whisper;
                    let m = call_metrics(&done.transcript);
                    (done.transcript, m)
                }
                Err(e) => return (fail(&hash, Some(&call_id), e), whisper),
            }
        };
        let mut transcript = transcript;
        transcript.call_id.clone_from(&call_id);
        if transcript.segments.iter().all(|s| s.text.trim().is_empty()) {
            let reason = format!("{source}: the transcript has no speech to score");
            return (fail(&hash, Some(&call_id), reason), whisper);
        }
        let mut card = score_with_metrics(self.rubric, &transcript, metrics.as_ref());
        card.agent_id.clone_from(&info.agent_id);
        card.agent_name.clone_from(&info.agent_name);
        card.date.clone_from(&info.date);
        let outcome = Outcome::Scored {
            source: source.clone(),
            call_id: call_id.clone(),
            score: card.score,
            passed: card.passed,
            assigned: info.agent_id.is_some(),
            audio_seconds: if audio {
                transcript.duration.unwrap_or(0.0)
            } else {
                0.0
            },
            rescored,
        };
        let record = CallRecord {
            call_id,
            source: Some(source),
            agent_id: info.agent_id,
            agent_name: info.agent_name,
            team: info.team,
            queue: info.queue,
            date: info.date,
            duration: transcript.duration,
            run_id: None,
            metrics,
            transcript,
            scorecard: card,
        };
        let origin = CallOrigin {
            content_hash: hash,
            model: model.as_ref().map(|m| m.0.clone()),
            model_sha1: model.map(|m| m.1),
            agent_channel: audio.then(|| format!("{agent:?}").to_ascii_lowercase()),
        };
        (Message::Store(Box::new(record), origin, outcome), whisper)
    }
}
