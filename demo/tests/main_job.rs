//! The main job as a newcomer runs it (`scripts/demo.sh` runs this binary): the scenario on the
//! in-process chain with the record gateway as its own process, reading the demo's chain through
//! the loopback read service. Every part of the story must have happened, the vault's included.

use std::process::Command;

#[test]
fn the_main_job_runs_with_the_gateway_as_its_own_process() {
    let out = Command::new(env!("CARGO_BIN_EXE_carechain-demo"))
        .output()
        .expect("the demo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("record gateway carechain-gateway: its own process on http://127.0.0.1:"),
        "{stdout}"
    );
    let summary = stdout.split("== Summary ==").nth(1).expect("a summary");
    for part in [
        "hospital_read_granted: true",
        "denied_after_revoke: true",
        "hospital_decrypted: true",
        "emergency_decrypted: true",
        "researcher_refusal: \"403 not-granted",
        "after_revoke_refusal: \"403 revoked-since",
        "is not the anchored",
        "credential_after_recall: Some(LotRecalled)",
    ] {
        assert!(summary.contains(part), "{part} not in {summary}");
    }
}
