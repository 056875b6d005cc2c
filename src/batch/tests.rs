use super::*;
use crate::transcript::{Segment, Speaker};
use std::sync::atomic::AtomicUsize;

/// Counts its calls and answers with a fixed two-party transcript.
struct Fake {
    sha1: String,
    calls: AtomicUsize,
}

impl AudioTranscriber for Fake {
    fn model(&self) -> (String, String) {
        ("fake".into(), self.sha1.clone())
    }
    fn transcribe(
        &self,
        _: &Path,
        call_id: &str,
        _: &str,
        _: AgentChannel,
    ) -> Result<Transcribed, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut t = Transcript::new(call_id);
        t.duration = Some(10.0);
        for (start, speaker, text) in [
            (
                0.5,
                Speaker::Agent,
                "Good morning, thank you for calling Acme.",
            ),
            (4.0, Speaker::Customer, "My bill is wrong."),
        ] {
            t.segments.push(Segment {
                start: Some(start),
                end: Some(start + 3.0),
                speaker,
                channel: Some(u16::from(speaker == Speaker::Customer)),
                text: text.into(),
                words: None,
            });
        }
        // Measured from the recording's voice activity: agent 0.5–3.0 s, customer 4.0–7.0 s. The segment
        // times alone would give the agent 3.0 s.
        t.metrics = Some(crate::metrics::compute_metrics(
            10.0,
            &crate::metrics::clean_spans(&[(0.5, 3.0)], &Default::default()),
            &crate::metrics::clean_spans(&[(4.0, 7.0)], &Default::default()),
            Some(crate::metrics::word_counts(&t)),
            &Default::default(),
        ));
        Ok(Transcribed {
            transcript: t,
            whisper: Duration::from_millis(5),
        })
    }
}

fn settings(dir: &Path, jobs: usize) -> BatchSettings {
    BatchSettings {
        store: dir.join("s.db"),
        jobs,
        shard: None,
        retry_failed: false,
        import: ImportOptions::default(),
        settings_json: serde_json::json!({}),
    }
}

struct Quiet;
impl Observer for Quiet {
    fn started(&self, _: usize, _: &Path) {}
    fn finished(&self, _: usize, _: &Outcome) {}
}

#[test]
fn recordings_are_transcribed_once_per_model_and_rescored_without_asr() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("c1.wav");
    std::fs::write(&wav, b"not decoded by the fake").unwrap();
    let settings = settings(dir.path(), 2);
    let fake = Fake {
        sha1: "m1".into(),
        calls: AtomicUsize::new(0),
    };
    let stop = AtomicBool::new(false);
    let rubric = Rubric::builtin_default();
    let go = |asr: &Fake, rubric: &Rubric| {
        run_batch(
            std::slice::from_ref(&wav),
            rubric,
            &AgentSources::default(),
            Some(asr),
            &settings,
            &Quiet,
            &stop,
        )
        .unwrap()
    };
    let first = go(&fake, &rubric);
    assert_eq!(
        (
            first.scored,
            first.unassigned,
            fake.calls.load(Ordering::SeqCst)
        ),
        (1, 1, 1)
    );
    assert_eq!(first.audio_seconds, 10.0);
    let again = go(&fake, &rubric);
    assert_eq!(
        (
            again.scored,
            again.done_before,
            fake.calls.load(Ordering::SeqCst)
        ),
        (0, 1, 1)
    );
    let other_rubric = crate::rubric::compile(
        "[rubric]\nname = \"t\"\nversion = \"1\"\npass_mark = 50\n[[sections]]\nid = \"g\"\nweight = 1\n[[criteria]]\nid = \"g.hi\"\ndescription = \"hi\"\npoints = 1\n[criteria.condition]\nspeaker = \"agent\"\nphrases = [\"good morning\"]\n",
        Path::new("t.toml"),
        &Default::default(),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let rescored = go(&fake, &other_rubric);
    assert_eq!(
        (
            rescored.scored,
            rescored.rescored,
            fake.calls.load(Ordering::SeqCst)
        ),
        (1, 1, 1)
    );
    let new_model = Fake {
        sha1: "m2".into(),
        calls: AtomicUsize::new(0),
    };
    let redone = go(&new_model, &rubric);
    assert_eq!(
        (
            redone.scored,
            redone.rescored,
            new_model.calls.load(Ordering::SeqCst)
        ),
        (1, 0, 1)
    );
    let store = Store::open_existing(&settings.store).unwrap();
    // The scorecard of the other rubric was made from the old model's transcript: dropped.
    assert_eq!(
        store.call_state("c1").unwrap().unwrap().rubrics,
        vec![rubric.sha256.clone()]
    );
    let records = Store::open_existing(&settings.store)
        .unwrap()
        .records(&Default::default())
        .unwrap();
    assert_eq!(records.len(), 1);
    // Metrics come from the speech the recogniser found, not from segment times, and the scorecard
    // was scored with them.
    let m = records[0].metrics.as_ref().unwrap();
    assert!(!m.approximate && m.per_role);
    assert_eq!(m.agent_talk, Some(2.5));
    let used = records[0].scorecard.metrics.as_ref().unwrap();
    assert_eq!(used.agent_talk, Some(2.5));
}

#[test]
fn a_stop_request_leaves_the_rest_not_started() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), 1);
    let inputs = vec![dir.path().join("a.json"), dir.path().join("b.json")];
    let stop = AtomicBool::new(true);
    let s = run_batch(
        &inputs,
        &Rubric::builtin_default(),
        &AgentSources::default(),
        None,
        &settings,
        &Quiet,
        &stop,
    )
    .unwrap();
    assert_eq!((s.not_started, s.scored, s.interrupted), (2, 0, true));
}

#[test]
fn recordings_go_first_longest_first_then_transcripts_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: usize| {
        let p = dir.path().join(name);
        std::fs::write(&p, vec![0u8; bytes]).unwrap();
        p
    };
    let inputs = vec![
        file("a.json", 10),
        file("short.wav", 100),
        file("b.txt", 5000),
        file("long.mp3", 900),
        file("mid.wav", 400),
    ];
    let names: Vec<String> = work_order(&inputs)
        .into_iter()
        .map(|i| {
            inputs[i]
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["long.mp3", "mid.wav", "short.wav", "a.json", "b.txt"]
    );
}
