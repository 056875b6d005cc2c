//! Conversation metrics derived from transcript segment times, and one realistic call pinned as a JSON
//! snapshot.

use callqa::metrics::{
    ActivitySettings, Interval, MetricSettings, MetricsError, metrics_from_transcript, word_counts,
};
use callqa::transcript::{Segment, Speaker, Transcript, Word};

fn seg(start: f64, end: f64, speaker: Speaker, text: &str) -> Segment {
    Segment {
        start: Some(start),
        end: Some(end),
        speaker,
        channel: None,
        text: text.to_string(),
        words: None,
    }
}

fn call(duration: Option<f64>, segments: Vec<Segment>) -> Transcript {
    let mut t = Transcript::new("call-1");
    t.duration = duration;
    t.segments = segments;
    t
}

fn metrics(t: &Transcript) -> Result<callqa::metrics::Metrics, MetricsError> {
    metrics_from_transcript(t, &ActivitySettings::default(), &MetricSettings::default())
}

fn iv(start: f64, end: f64) -> Interval {
    Interval::new(start, end)
}

#[test]
fn segment_times_give_approximate_per_role_metrics() {
    let t = call(
        Some(40.0),
        vec![
            seg(
                1.0,
                6.0,
                Speaker::Agent,
                "Thank you for calling, how can I help?",
            ),
            // 0.3 s after the agent's previous segment: bridged into one turn.
            seg(6.3, 8.0, Speaker::Agent, "Go ahead."),
            // Starts 0.8 s before the agent stops: an interruption.
            seg(
                7.2,
                15.0,
                Speaker::Customer,
                "My parcel never arrived - it is late",
            ),
            seg(16.0, 17.0, Speaker::Unknown, "beep"),
            seg(20.0, 30.0, Speaker::Agent, "I have sent a new one today."),
            seg(32.0, 36.0, Speaker::Customer, "Thanks."),
        ],
    );
    let m = metrics(&t).expect("timed transcript");
    assert!(m.approximate);
    assert!(m.per_role);
    assert_eq!(m.duration, 40.0);
    assert_eq!(m.agent_talk, Some(17.0));
    assert_eq!(m.customer_talk, Some(11.8));
    assert_eq!(m.talk_total, 29.0);
    assert_eq!(m.overtalk, Some(0.8));
    assert_eq!(m.interruptions_by_customer, Some(1));
    assert_eq!(m.interruptions_by_agent, Some(0));
    // The unknown speaker's beep at 16-17 is not silence; leading 1 s is too short to count.
    assert_eq!(
        m.non_talk_spans,
        vec![iv(17.0, 20.0), iv(30.0, 32.0), iv(36.0, 40.0)]
    );
    assert_eq!(m.agent_longest_monologue, Some(10.0));
    // Agent: 8 + 2 + 7 words over 17 s; customer: 7 + 1 words ("-" is not a word) over 11.8 s.
    assert_eq!(word_counts(&t), (17, 8));
    assert_eq!(m.agent_wpm, Some(60.0));
    assert_eq!(m.customer_wpm, Some(40.7));
}

#[test]
fn recognizer_word_lists_are_counted_when_present() {
    let mut s = seg(0.0, 3.0, Speaker::Customer, "gonna");
    s.words = Some(vec![
        Word {
            start: 0.0,
            end: 1.0,
            text: "going".into(),
            probability: None,
        },
        Word {
            start: 1.0,
            end: 2.0,
            text: "to".into(),
            probability: None,
        },
    ]);
    let t = call(None, vec![s]);
    assert_eq!(word_counts(&t), (0, 2));
    let m = metrics(&t).expect("timed");
    assert_eq!(m.duration, 3.0);
    assert_eq!(m.customer_wpm, Some(40.0));
}

#[test]
fn untimed_transcripts_are_an_error() {
    let mut t = call(
        None,
        vec![
            seg(0.0, 1.0, Speaker::Agent, "hello"),
            seg(1.0, 2.0, Speaker::Customer, "hi"),
        ],
    );
    t.segments[1].start = None;
    let err = metrics(&t).expect_err("partly untimed");
    assert_eq!(
        err,
        MetricsError::Untimed {
            call_id: "call-1".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "transcript `call-1` has no segment times (or only some segments have them); conversation metrics need a timed transcript or the recording"
    );
    assert!(metrics(&call(Some(10.0), vec![])).is_err());
}

#[test]
fn transcripts_without_roles_give_mono_metrics() {
    let t = call(
        Some(10.0),
        vec![
            seg(0.0, 2.0, Speaker::Unknown, "hello there"),
            seg(5.0, 7.0, Speaker::Unknown, "yes"),
        ],
    );
    let m = metrics(&t).expect("timed");
    assert!(!m.per_role);
    assert!(m.approximate);
    assert_eq!(m.agent_talk, None);
    assert_eq!(m.talk_total, 4.0);
    assert_eq!(m.non_talk_spans, vec![iv(2.0, 5.0), iv(7.0, 10.0)]);
}

#[test]
fn realistic_call_snapshot() {
    let t = call(
        Some(95.0),
        vec![
            seg(
                0.8,
                6.2,
                Speaker::Agent,
                "Good morning, thank you for calling Acme, my name is Sam, how can I help you today?",
            ),
            seg(
                6.9,
                14.5,
                Speaker::Customer,
                "Hi, I was charged twice for my order last week and I'm really not happy about it, this is terrible.",
            ),
            seg(
                13.8,
                17.0,
                Speaker::Agent,
                "I'm sorry to hear that, let me take a look at your account.",
            ),
            seg(
                17.4,
                20.1,
                Speaker::Agent,
                "Could you please confirm your date of birth for me?",
            ),
            seg(
                21.0,
                23.5,
                Speaker::Customer,
                "Sure, it's the third of March nineteen eighty.",
            ),
            seg(24.0, 26.0, Speaker::Agent, "Thank you, one moment please."),
            seg(
                49.0,
                57.5,
                Speaker::Agent,
                "Thank you for waiting, I can see the payment on the fourteenth was taken twice, I've refunded the duplicate charge.",
            ),
            seg(
                55.0,
                58.5,
                Speaker::Customer,
                "Wait, when will the money be back?",
            ),
            seg(
                59.0,
                64.0,
                Speaker::Agent,
                "You should see it within three business days.",
            ),
            seg(
                65.2,
                70.0,
                Speaker::Customer,
                "Okay great, that's perfect, thank you so much for your help!",
            ),
            seg(
                70.5,
                74.0,
                Speaker::Agent,
                "Is there anything else I can help you with today?",
            ),
            seg(74.6, 76.0, Speaker::Customer, "No, that was it, thanks."),
            seg(
                76.3,
                79.0,
                Speaker::Agent,
                "Thanks for calling, have a great day!",
            ),
        ],
    );
    let m = metrics(&t).expect("timed");
    insta::assert_json_snapshot!("metrics_realistic_call", m);
}
