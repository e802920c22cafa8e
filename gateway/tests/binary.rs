//! The gateway binary as an operator starts it: a wrong argument or a chain that does not answer
//! stops it at once with a sentence, before it listens (it never serves without a chain). Its
//! serving path is tested in `tests/tests/gateway.rs` and, as its own process, by the main job
//! (`demo/tests/main_job.rs`) and `scripts/e2e.sh`.

use std::process::Command;

fn gateway(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_carechain-gateway"))
        .args(args)
        .output()
        .expect("the gateway binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_argument_is_refused_with_the_usage() {
    let (code, stderr) = gateway(&["--listen-on", "x"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("unknown argument --listen-on"), "{stderr}");
    assert!(stderr.contains("usage: carechain-gateway"), "{stderr}");
}

#[test]
fn a_chain_that_does_not_answer_stops_it_before_it_listens() {
    // Port 9 (discard) on loopback: nothing answers there.
    let (code, stderr) = gateway(&["--url", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("no chain reads at http://127.0.0.1:9"),
        "{stderr}"
    );
    assert!(!stderr.contains("listening on"), "{stderr}");
}
