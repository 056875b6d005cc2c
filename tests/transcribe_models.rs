//! Model registry and downloader tests against an HTTP server on 127.0.0.1 started by the test:
//! a good download lands under its name, a corrupted one leaves no file behind, and `callqa models`
//! lists, locates and downloads.
//!
//! Must not touch the network beyond the loopback server.

use assert_cmd::Command;
use callqa::asr::models::{self, ModelError};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

fn silero() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/models/ggml-silero-v6.2.0.bin"
    ))
}

/// Serves `body` for up to `requests` requests on a loopback port; returns the base URL.
fn serve(body: Vec<u8>, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 4096];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}")
}

#[test]
fn download_checks_the_checksum() {
    let model = models::find("silero-v6.2.0").expect("silero in the registry");
    let good = std::fs::read(silero()).expect("shared silero model");
    let dir = tempfile::tempdir().expect("tempdir");

    let mut corrupt = good.clone();
    corrupt[1000] ^= 0xff;
    let url = serve(corrupt, 1);
    let err = models::download(model, dir.path(), Some(&url), &mut |_, _| {});
    assert!(matches!(err, Err(ModelError::Checksum { .. })), "{err:?}");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("read dir").count(),
        0,
        "a corrupted download must leave no file"
    );

    let url = serve(good.clone(), 1);
    let mut last = (0, None);
    let path = models::download(model, dir.path(), Some(&url), &mut |d, t| last = (d, t))
        .expect("download");
    assert_eq!(path, dir.path().join("ggml-silero-v6.2.0.bin"));
    assert_eq!(std::fs::read(&path).expect("read"), good);
    assert_eq!(last, (good.len() as u64, Some(good.len() as u64)));
    assert!(!dir.path().join("ggml-silero-v6.2.0.bin.part").exists());
}

#[test]
fn unreachable_server_says_what_to_run() {
    let model = models::find("tiny.en").expect("tiny.en");
    let dir = tempfile::tempdir().expect("tempdir");
    // Nothing listens on a port we bound and dropped.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let err = models::download(
        model,
        dir.path(),
        Some(&format!("http://127.0.0.1:{port}")),
        &mut |_, _| {},
    )
    .map(|_| ())
    .expect_err("must fail");
    let text = err.to_string();
    assert!(
        text.contains("run `callqa models download tiny.en` again"),
        "{text}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn models_cli_list_path_download() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::cargo_bin("callqa")
        .expect("binary")
        .args(["models", "list"])
        .env("CALLQA_MODELS_DIR", dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("base.en ")
            && l.contains("142 MiB")
            && l.contains("137c40403d78fd54d454da0f9bd998f78703390c")
            && l.ends_with("no")),
        "{text}"
    );
    assert!(text.contains("silero-v6.2.0"), "{text}");

    let path_cmd = || {
        Command::cargo_bin("callqa")
            .expect("binary")
            .args(["models", "path", "silero-v6.2.0"])
            .env("CALLQA_MODELS_DIR", dir.path())
            .output()
            .expect("run")
    };
    let before = path_cmd();
    assert_eq!(before.status.code(), Some(1));
    let expected = format!("{}\n", dir.path().join("ggml-silero-v6.2.0.bin").display());
    assert_eq!(String::from_utf8_lossy(&before.stdout), expected);

    let url = serve(std::fs::read(silero()).expect("silero"), 1);
    let down = Command::cargo_bin("callqa")
        .expect("binary")
        .args(["models", "download", "silero-v6.2.0"])
        .env("CALLQA_MODELS_DIR", dir.path())
        .env("CALLQA_MODELS_URL", &url)
        .output()
        .expect("run");
    assert!(
        down.status.success(),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
    assert_eq!(path_cmd().status.code(), Some(0));

    let unknown = Command::cargo_bin("callqa")
        .expect("binary")
        .args(["models", "download", "huge-v9"])
        .env("CALLQA_MODELS_DIR", dir.path())
        .output()
        .expect("run");
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&unknown.stderr),
        "error: unknown model 'huge-v9'; run `callqa models list` for the known names, or pass a file path\n"
    );
}
