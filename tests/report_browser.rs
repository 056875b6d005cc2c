//! The HTML report as a manager sees it: rendered by headless Chromium from Debian's `chromium` package.
//!
//! Screenshots index.html and one agent page, checks the charts survive rendering, and checks that no network
//! request is attempted: host names resolve nowhere, and Chromium's net log must hold no URL other than
//! file://. Skips, saying why, only when chromium is not installed.

mod support;

use callqa::report::{ReportOptions, write_reports};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Runs Chromium headless on `page` with `extra` flags and a fresh profile; returns stdout.
fn chrome(bin: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--window-size=1280,2000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(format!("file://{}", page.display()));
    let out = cmd.output().expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// URLs Chromium tried to fetch for a page, from its net log: requests with a page initiator (a file:// page
/// has the opaque origin "null"), as opposed to the browser's own ("not an origin").
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("net log written");
    let log: serde_json::Value = serde_json::from_str(&text).expect("net log is JSON");
    log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| {
            let p = &e["params"];
            let initiator = p["initiator"].as_str()?;
            (initiator != "not an origin").then(|| p["url"].as_str().unwrap_or("?").to_string())
        })
        .collect()
}

#[test]
fn the_network_check_catches_a_page_that_links_out() {
    let Some(bin) = chromium() else {
        println!("skipped: chromium is not installed (.ci/setup installs it)");
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let page = dir.path().join("linked.html");
    std::fs::write(
        &page,
        "<html><body><img src=\"http://example.com/logo.png\"></body></html>",
    )
    .expect("write");
    let netlog = dir.path().join("netlog.json");
    chrome(
        &bin,
        &page,
        &[
            format!("--log-net-log={}", netlog.display()),
            "--dump-dom".into(),
        ],
    );
    let requests = page_requests(&netlog);
    assert!(
        requests
            .iter()
            .any(|u| u.starts_with("http://example.com/")),
        "{requests:?}"
    );
}

#[test]
fn html_report_renders_offline_with_charts() {
    let Some(bin) = chromium() else {
        println!("skipped: chromium is not installed (.ci/setup installs it)");
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    write_reports(&support::fixture_records(), &ReportOptions::new(dir.path())).expect("write");
    let shots = std::env::var_os("CALLQA_SCREENSHOTS").map(PathBuf::from);
    for (page, charts) in [("index.html", 3), ("agents/a4.html", 2)] {
        let path = dir.path().join(page);
        let html = std::fs::read_to_string(&path).expect("html");
        // Nothing in the page can reach the network.
        for attr in [
            "src=\"http",
            "href=\"http",
            "src='http",
            "href='http",
            "url(http",
            "@import",
        ] {
            assert!(!html.contains(attr), "{page} links out: {attr}");
        }
        assert!(!html.contains("<script"), "{page} has a script");

        let png = dir.path().join(format!("{}.png", page.replace('/', "_")));
        let netlog = dir
            .path()
            .join(format!("{}.netlog.json", page.replace('/', "_")));
        chrome(
            &bin,
            &path,
            &[
                format!("--screenshot={}", png.display()),
                format!("--log-net-log={}", netlog.display()),
            ],
        );
        let bytes = std::fs::read(&png).expect("screenshot written");
        assert!(bytes.starts_with(b"\x89PNG"), "{page}: not a PNG");
        assert!(
            bytes.len() > 50_000,
            "{page}: screenshot is nearly empty ({} bytes)",
            bytes.len()
        );
        if let Some(d) = &shots {
            std::fs::create_dir_all(d).expect("screenshot dir");
            std::fs::copy(&png, d.join(png.file_name().expect("name"))).expect("copy screenshot");
        }

        // No request made on behalf of the page (the browser's own update and time checks are left out).
        let requests = page_requests(&netlog);
        assert!(requests.is_empty(), "{page} requested {requests:?}");

        // The charts survive rendering.
        let dom = chrome(&bin, &path, &["--dump-dom".to_string()]);
        let svgs = dom.matches("<svg").count();
        assert_eq!(svgs, charts, "{page}: {svgs} charts in the rendered DOM");
        assert!(
            dom.contains("class=\"chart trend\""),
            "{page}: no trend chart"
        );
        assert!(dom.contains("<polyline"), "{page}: trend line missing");
    }
}
