//! Hand-computed expectations for every conversation metric computed from speech intervals.

use callqa::metrics::{
    ActivitySettings, Interruption, Interval, MetricSettings, Metrics, Role, compute_metrics,
    compute_mono_metrics, intervals_from_frames,
};

fn iv(start: f64, end: f64) -> Interval {
    Interval::new(start, end)
}

fn agent() -> Vec<Interval> {
    vec![
        iv(3.0, 10.0),
        iv(12.0, 20.0),
        iv(34.0, 40.0),
        iv(50.0, 52.0),
    ]
}

fn customer() -> Vec<Interval> {
    vec![
        iv(9.0, 13.0),
        iv(19.6, 25.0),
        iv(39.5, 45.0),
        iv(50.0, 51.0),
    ]
}

/// 60 s call. Speech (either party): [3,25], [34,45], [50,52]. Overlaps: [9,10] customer barges in (1 s),
/// [12,13] agent barges in (1 s), [19.6,20] customer too short (0.4 s), [39.5,40] customer exactly 0.5 s,
/// [50,51] both start together (no interruption).
fn stereo() -> Metrics {
    compute_metrics(
        60.0,
        &agent(),
        &customer(),
        Some((46, 53)),
        &MetricSettings::default(),
    )
}

#[test]
fn talk_times_and_ratio() {
    let m = stereo();
    assert_eq!(m.duration, 60.0);
    assert_eq!(m.agent_talk, Some(23.0));
    assert_eq!(m.customer_talk, Some(15.9));
    assert_eq!(m.talk_total, 35.0);
    // 23 / 38.9
    assert_eq!(m.talk_ratio, Some(0.5913));
    assert!(m.per_role);
    assert!(!m.approximate);
}

#[test]
fn non_talk_includes_leading_and_trailing_silence() {
    let m = stereo();
    assert_eq!(
        m.non_talk_spans,
        vec![iv(0.0, 3.0), iv(25.0, 34.0), iv(45.0, 50.0), iv(52.0, 60.0)]
    );
    assert_eq!(m.non_talk_total, 25.0);
    assert_eq!(m.non_talk_max, 9.0);
    assert_eq!(m.non_talk_count, 4);
}

#[test]
fn overtalk_is_the_total_overlap() {
    let m = stereo();
    assert_eq!(m.overtalk, Some(3.9));
    assert_eq!(
        m.overtalk_spans,
        vec![
            iv(9.0, 10.0),
            iv(12.0, 13.0),
            iv(19.6, 20.0),
            iv(39.5, 40.0),
            iv(50.0, 51.0)
        ]
    );
}

#[test]
fn interruptions_need_a_running_turn_and_half_a_second_of_overlap() {
    let m = stereo();
    assert_eq!(m.interruptions_by_agent, Some(1));
    assert_eq!(m.interruptions_by_customer, Some(2));
    assert_eq!(
        m.interruptions,
        vec![
            Interruption {
                by: Role::Customer,
                at: 9.0,
                overlap: 1.0
            },
            Interruption {
                by: Role::Agent,
                at: 12.0,
                overlap: 1.0
            },
            Interruption {
                by: Role::Customer,
                at: 39.5,
                overlap: 0.5
            },
        ]
    );
}

#[test]
fn interruption_threshold_edge_with_inexact_decimals() {
    // 10.8 - 10.3 is not exactly 0.5 in binary floating point; it must still count.
    let agent = [iv(10.0, 10.8)];
    let at_threshold = [iv(10.3, 12.0)];
    let below = [iv(10.31, 12.0)];
    let s = MetricSettings::default();
    let m = compute_metrics(20.0, &agent, &at_threshold, None, &s);
    assert_eq!(m.interruptions_by_customer, Some(1));
    assert_eq!(m.interruptions[0].overlap, 0.5);
    let m = compute_metrics(20.0, &agent, &below, None, &s);
    assert_eq!(m.interruptions_by_customer, Some(0));
    assert_eq!(m.overtalk, Some(0.49));
}

#[test]
fn interruption_threshold_is_configurable() {
    let s = MetricSettings {
        min_interruption_overlap: 0.3,
        ..MetricSettings::default()
    };
    let m = compute_metrics(60.0, &agent(), &customer(), None, &s);
    // The 0.4 s overlap at 19.6 now counts.
    assert_eq!(m.interruptions_by_customer, Some(3));
    assert_eq!(m.interruptions_by_agent, Some(1));
}

#[test]
fn speaking_rate_is_words_per_talk_minute() {
    let m = stereo();
    // 46 words / (23 s / 60) and 53 words / (15.9 s / 60).
    assert_eq!(m.agent_wpm, Some(120.0));
    assert_eq!(m.customer_wpm, Some(200.0));
    let without_words = compute_metrics(
        60.0,
        &agent(),
        &customer(),
        None,
        &MetricSettings::default(),
    );
    assert_eq!(without_words.agent_wpm, None);
    assert_eq!(without_words.customer_wpm, None);
}

#[test]
fn longest_monologue_per_role() {
    let m = stereo();
    assert_eq!(m.agent_longest_monologue, Some(8.0));
    assert_eq!(m.agent_longest_monologue_span, Some(iv(12.0, 20.0)));
    assert_eq!(m.customer_longest_monologue, Some(5.5));
    assert_eq!(m.customer_longest_monologue_span, Some(iv(39.5, 45.0)));
}

#[test]
fn non_talk_threshold_is_inclusive_and_configurable() {
    // Gaps of exactly 2.0 s (counted) and 1.99 s (not).
    let speech = [iv(2.0, 5.0), iv(6.99, 10.0)];
    let m = compute_metrics(10.0, &speech, &[], None, &MetricSettings::default());
    assert_eq!(m.non_talk_spans, vec![iv(0.0, 2.0)]);
    let s = MetricSettings {
        min_non_talk: 1.0,
        ..MetricSettings::default()
    };
    let m = compute_metrics(10.0, &speech, &[], None, &s);
    assert_eq!(m.non_talk_spans, vec![iv(0.0, 2.0), iv(5.0, 6.99)]);
    assert_eq!(m.non_talk_total, 3.99);
    assert_eq!(m.non_talk_max, 2.0);
}

#[test]
fn unsorted_overlapping_and_out_of_range_intervals_are_normalized() {
    let mut a = agent();
    a.reverse();
    a.push(iv(4.0, 6.0));
    a.push(iv(f64::NAN, 1.0));
    a.push(iv(58.0, 70.0));
    let m = compute_metrics(
        60.0,
        &a,
        &customer(),
        Some((46, 53)),
        &MetricSettings::default(),
    );
    assert_eq!(m.agent_talk, Some(25.0));
    assert_eq!(m.non_talk_spans.last(), Some(&iv(52.0, 58.0)));
}

#[test]
fn invalid_duration_falls_back_to_the_last_speech_end() {
    let m = compute_metrics(
        f64::NAN,
        &agent(),
        &customer(),
        None,
        &MetricSettings::default(),
    );
    assert_eq!(m.duration, 52.0);
    assert_eq!(m.non_talk_spans.last(), Some(&iv(45.0, 50.0)));
}

#[test]
fn empty_call() {
    let m = compute_metrics(10.0, &[], &[], Some((0, 0)), &MetricSettings::default());
    assert_eq!(m.talk_total, 0.0);
    assert_eq!(m.agent_talk, Some(0.0));
    assert_eq!(m.customer_talk, Some(0.0));
    assert_eq!(m.talk_ratio, None);
    assert_eq!(m.non_talk_spans, vec![iv(0.0, 10.0)]);
    assert_eq!(m.non_talk_max, 10.0);
    assert_eq!(m.overtalk, Some(0.0));
    assert_eq!(m.interruptions_by_agent, Some(0));
    assert_eq!(m.agent_wpm, None);
    assert_eq!(m.agent_longest_monologue, Some(0.0));
    assert_eq!(m.agent_longest_monologue_span, None);

    let zero = compute_metrics(0.0, &[], &[], None, &MetricSettings::default());
    assert_eq!(zero.duration, 0.0);
    assert!(zero.non_talk_spans.is_empty());
    assert_eq!(zero.non_talk_max, 0.0);
}

#[test]
fn mono_has_talk_and_non_talk_but_no_roles() {
    let speech = [iv(5.0, 10.0), iv(11.0, 20.0), iv(27.0, 28.0)];
    let m = compute_mono_metrics(30.0, &speech, &MetricSettings::default());
    assert!(!m.per_role);
    assert_eq!(m.talk_total, 15.0);
    assert_eq!(
        m.non_talk_spans,
        vec![iv(0.0, 5.0), iv(20.0, 27.0), iv(28.0, 30.0)]
    );
    assert_eq!(m.non_talk_total, 14.0);
    assert_eq!(m.non_talk_max, 7.0);
    for name in [
        "agent_talk",
        "customer_talk",
        "talk_ratio",
        "overtalk",
        "interruptions_by_agent",
        "interruptions_by_customer",
        "agent_wpm",
        "customer_wpm",
        "agent_longest_monologue",
        "customer_longest_monologue",
    ] {
        assert_eq!(m.value(name), None, "{name}");
    }
    let json = serde_json::to_value(&m).expect("metrics serialize");
    assert_eq!(json["agent_talk"], serde_json::Value::Null);
    assert_eq!(json["per_role"], serde_json::Value::Bool(false));
}

#[test]
fn every_metric_name_is_a_json_field_with_the_same_value() {
    let m = stereo();
    let json = serde_json::to_value(&m).expect("metrics serialize");
    for &name in Metrics::metric_names() {
        let field = json
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not a JSON field"));
        assert_eq!(m.value(name), field.as_f64(), "{name}");
    }
    assert_eq!(m.value("interruptions_by_customer"), Some(2.0));
    assert_eq!(m.value("non_talk_max"), Some(9.0));
    assert_eq!(m.value("no_such_metric"), None);
    // Every numeric top-level JSON field is reachable through value().
    for (key, v) in json.as_object().expect("an object") {
        if v.is_number() {
            assert!(Metrics::metric_names().contains(&key.as_str()), "{key}");
        }
    }
}

#[test]
fn evidence_times_point_at_the_moments() {
    let m = stereo();
    assert_eq!(m.evidence_times("non_talk_max"), vec![(25.0, 34.0)]);
    assert_eq!(m.evidence_times("non_talk_total").len(), 4);
    assert_eq!(
        m.evidence_times("interruptions_by_customer"),
        vec![(9.0, 10.0), (39.5, 40.0)]
    );
    assert_eq!(
        m.evidence_times("interruptions_by_agent"),
        vec![(12.0, 13.0)]
    );
    assert_eq!(
        m.evidence_times("agent_longest_monologue"),
        vec![(12.0, 20.0)]
    );
    assert_eq!(m.evidence_times("overtalk").len(), 5);
    assert!(m.evidence_times("talk_ratio").is_empty());
    assert!(m.evidence_times("no_such_metric").is_empty());
}

#[test]
fn json_round_trips() {
    let m = stereo();
    let text = serde_json::to_string(&m).expect("serialize");
    let back: Metrics = serde_json::from_str(&text).expect("deserialize");
    assert_eq!(back, m);
}

#[test]
fn frames_to_metrics_end_to_end() {
    // 10 ms frames: agent speaks 1..4 s with a 0.3 s dip at 2 s (bridged), customer 3.5..6 s, a 40 ms click
    // at 8 s (dropped); 10 s call.
    let mut agent = vec![false; 1000];
    let mut customer = vec![false; 1000];
    agent[100..400].fill(true);
    agent[200..230].fill(false);
    customer[350..600].fill(true);
    customer[800..804].fill(true);
    let a = intervals_from_frames(&agent, &ActivitySettings::default());
    let c = intervals_from_frames(&customer, &ActivitySettings::default());
    let m = compute_metrics(10.0, &a, &c, None, &MetricSettings::default());
    assert_eq!(m.agent_talk, Some(3.0));
    assert_eq!(m.customer_talk, Some(2.5));
    assert_eq!(m.overtalk, Some(0.5));
    assert_eq!(m.interruptions_by_customer, Some(1));
    assert_eq!(m.non_talk_spans, vec![iv(6.0, 10.0)]);
}

#[test]
fn metric_settings_are_validated() {
    assert_eq!(MetricSettings::default().validate(), Ok(()));
    let bad = MetricSettings {
        min_non_talk: f64::NAN,
        ..MetricSettings::default()
    };
    assert!(matches!(
        bad.validate(),
        Err(callqa::metrics::MetricsError::InvalidSetting {
            name: "min_non_talk",
            ..
        })
    ));
}

#[test]
fn settings_parse_from_toml_with_defaults_and_reject_unknown_keys() {
    let s: MetricSettings = toml::from_str("min_non_talk = 5.0").expect("valid settings");
    assert_eq!(s.min_non_talk, 5.0);
    assert_eq!(s.min_interruption_overlap, 0.5);
    assert!(toml::from_str::<MetricSettings>("min_silence = 5.0").is_err());
    let a: ActivitySettings = toml::from_str("merge_gap = 0.3").expect("valid settings");
    assert_eq!(a.merge_gap, 0.3);
    assert_eq!(a.min_burst, 0.1);
}
