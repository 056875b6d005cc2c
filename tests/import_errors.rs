//! Malformed imports fail with messages that name the file and the place inside it: a JSON path
//! for JSON formats, a line number for WebVTT and SRT. Every message is pinned here.

use callqa::transcript::{ImportOptions, parse_transcript_with};
use std::path::Path;

fn error(name: &str, text: &str) -> String {
    match parse_transcript_with(text, Path::new(name), &ImportOptions::default()) {
        Ok(t) => panic!("{name} parsed unexpectedly: {t:?}"),
        Err(e) => e.to_string(),
    }
}

fn transcribe_items(bad_index: usize, bad_item: &str) -> String {
    let items: Vec<String> = (0..=bad_index)
        .map(|i| {
            if i == bad_index {
                bad_item.to_string()
            } else {
                format!(
                    r#"{{"start_time":"{i}.0","end_time":"{i}.5","alternatives":[{{"confidence":"0.9","content":"w{i}"}}],"type":"pronunciation"}}"#
                )
            }
        })
        .collect();
    format!(
        r#"{{"results":{{"transcripts":[],"items":[{}]}}}}"#,
        items.join(",")
    )
}

#[test]
fn amazon_transcribe_errors_give_the_json_path() {
    assert_eq!(
        error(
            "job.json",
            &transcribe_items(
                12,
                r#"{"start_time":"abc","end_time":"1","alternatives":[{"content":"x"}],"type":"pronunciation"}"#
            )
        ),
        r#"job.json: results.items[12].start_time: expected a non-negative number of seconds such as "4.87", found "abc""#
    );
    assert_eq!(
        error(
            "job.json",
            &transcribe_items(
                0,
                r#"{"type":"pronunciation","start_time":"0","end_time":"1"}"#
            )
        ),
        "job.json: results.items[0]: missing `alternatives`"
    );
    assert_eq!(
        error(
            "job.json",
            &transcribe_items(1, r#"{"type":"speech","alternatives":[{"content":"x"}]}"#)
        ),
        r#"job.json: results.items[1].type: expected "pronunciation" or "punctuation", found "speech""#
    );
    assert_eq!(
        error(
            "job.json",
            &transcribe_items(
                0,
                r#"{"start_time":"0","end_time":"1","alternatives":[{"content":"x"}],"type":"pronunciation","channel_label":"left"}"#
            )
        ),
        r#"job.json: results.items[0].channel_label: expected a channel label such as "ch_0", found "left""#
    );
    assert_eq!(
        error(
            "job.json",
            r#"{"results":{"items":[],"audio_segments":[{"transcript":"hi","start_time":"0","end_time":"1","items":[7]}]}}"#
        ),
        "job.json: results.audio_segments[0].items[0]: no item in results.items has id 7"
    );
    assert_eq!(
        error("job.json", r#"{"results":{"transcripts":[]}}"#),
        "job.json: results: missing `items`"
    );
}

#[test]
fn whisper_errors_give_the_json_path() {
    assert_eq!(
        error(
            "w.json",
            r#"{"transcription":[{"offsets":{"from":0,"to":10},"text":"a"},{"offsets":{"from":"0","to":10},"text":"b"}]}"#
        ),
        "w.json: transcription[1].offsets.from: expected a non-negative number of milliseconds"
    );
    assert_eq!(
        error("w.json", r#"{"transcription":[{"text":"a"}]}"#),
        "w.json: transcription[0]: missing `offsets`"
    );
    assert_eq!(
        error(
            "w.json",
            r#"{"transcription":[{"offsets":{"from":0,"to":10},"text":"a","speaker":"2"}]}"#
        ),
        r#"w.json: transcription[0].speaker: expected "0", "1" or "?", found "2""#
    );
    assert_eq!(
        error(
            "w.json",
            r#"{"transcription":[{"offsets":{"from":0,"to":10},"text":"a","tokens":[{"id":1}]}]}"#
        ),
        "w.json: transcription[0].tokens[0]: missing `text`"
    );
    assert_eq!(
        error(
            "w.json",
            r#"{"transcription":[{"offsets":{"from":900,"to":10},"text":"a"}]}"#
        ),
        "w.json: transcription[0].offsets: `to` (10) is before `from` (900)"
    );
}

#[test]
fn call_analytics_and_pca_errors_give_the_json_path() {
    assert_eq!(
        error(
            "ca.json",
            r#"{"Transcript":[{"ParticipantRole":"BOT","BeginOffsetMillis":0,"EndOffsetMillis":1,"Content":"hi"}]}"#
        ),
        r#"ca.json: Transcript[0].ParticipantRole: expected "AGENT" or "CUSTOMER", found "BOT""#
    );
    assert_eq!(
        error(
            "ca.json",
            r#"{"Transcript":[{"ParticipantRole":"AGENT","EndOffsetMillis":1,"Content":"hi"}]}"#
        ),
        "ca.json: Transcript[0]: missing `BeginOffsetMillis`"
    );
    assert_eq!(
        error(
            "pca.json",
            r#"{"ConversationAnalytics":{},"SpeechSegments":[{"SegmentStartTime":0,"SegmentEndTime":1,"DisplayText":"hi"}]}"#
        ),
        "pca.json: SpeechSegments[0]: missing `SegmentSpeaker`"
    );
}

#[test]
fn subtitle_errors_give_the_line() {
    assert_eq!(
        error(
            "c.vtt",
            "WEBVTT\n\n1\n00:00:xx.000 --> 00:00:02.000\nAgent: hi\n"
        ),
        r#"c.vtt: line 4: invalid start time "00:00:xx.000""#
    );
    assert_eq!(
        error("c.vtt", "WEBVTT\n\nAgent: hi\nCustomer: hello\n"),
        r#"c.vtt: line 4: expected a cue timing line such as `00:00:01.000 --> 00:00:04.000`, found "Customer: hello""#
    );
    assert_eq!(
        error("c.vtt", "WEBVTT\n\nNOTE nothing here\n"),
        "c.vtt: the WebVTT file has no cues with text"
    );
    assert_eq!(
        error(
            "c.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nAgent: hi\n\n2\n00:00:03,000 --> 00:00:02,500\nCustomer: hello\n"
        ),
        "c.srt: line 6: cue ends (00:00:02,500) before it starts (00:00:03,000)"
    );
    assert_eq!(
        error(
            "c.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nAgent: hi\n\nAgent: more\n"
        ),
        r#"c.srt: line 5: expected a cue number or timing line, found "Agent: more""#
    );
}

#[test]
fn unrecognised_json_lists_the_formats_callqa_reads() {
    assert_eq!(
        error("x.json", r#"{"hello":"world"}"#),
        "x.json: unrecognised transcript JSON: expected callqa's `segments`, a `turns` array, a bare array of turns, whisper-cli's `transcription`, Amazon Transcribe's `results` or Call Analytics' `Transcript`"
    );
}
