//! Static checks standing in for the classes of CoinFabrik Scout's critical detectors (Scout
//! itself cannot run on our machines: it downloads its ink! detectors from github.com at run
//! time). Together with the behaviour tests they cover:
//!
//! - unprotected `set_code_hash` / `terminate`: no contract imports either host function, so no
//!   caller can replace or delete code or state (and the audit log can never be deleted);
//! - panics on bad input: contract code (outside its unit tests) has no `unwrap`, `expect`,
//!   `panic!` or `unreachable!`; bad input returns a typed error (see the authorisation matrix);
//! - re-entrancy: no contract enables `ALLOW_REENTRY` (the fault tests show a re-entry refused);
//! - unchecked arithmetic: every build runs clippy with `-D clippy::arithmetic_side_effects`
//!   (cargo-contract) and release code keeps overflow checks; this test checks the build script
//!   still asks for them;
//! - unbounded loops and zero accounts: bounds (`TooMany`) and `ZeroAccount` are behaviour-tested
//!   per message; the scaling test shows hot paths flat with stored data.

use carechain_sdk::{bundles_dir, Contract};
use std::path::PathBuf;

fn leb128(bytes: &[u8], at: &mut usize) -> u32 {
    let (mut value, mut shift) = (0u32, 0);
    loop {
        let byte = bytes[*at];
        *at += 1;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return value;
        }
        shift += 7;
    }
}

fn name(bytes: &[u8], at: &mut usize) -> String {
    let len = leb128(bytes, at) as usize;
    let text = String::from_utf8(bytes[*at..*at + len].to_vec()).expect("utf-8 import name");
    *at += len;
    text
}

/// The (module, name) pairs of a Wasm module's import section.
fn imports(wasm: &[u8]) -> Vec<(String, String)> {
    assert_eq!(&wasm[..4], b"\0asm", "not a wasm module");
    let mut at = 8;
    let mut found = Vec::new();
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb128(wasm, &mut at) as usize;
        let end = at + size;
        if id == 2 {
            let mut p = at;
            for _ in 0..leb128(wasm, &mut p) {
                let module = name(wasm, &mut p);
                let field = name(wasm, &mut p);
                match wasm[p] {
                    0 => {
                        p += 1;
                        leb128(wasm, &mut p);
                    }
                    2 => {
                        p += 1;
                        let flags = wasm[p];
                        p += 1;
                        leb128(wasm, &mut p);
                        if flags & 1 == 1 {
                            leb128(wasm, &mut p);
                        }
                    }
                    kind => panic!("unexpected import kind {kind} for {module}.{field}"),
                }
                found.push((module, field));
            }
        }
        at = end;
    }
    found
}

#[test]
fn no_contract_can_replace_or_delete_its_code() {
    for contract in Contract::ALL {
        let path = bundles_dir()
            .join(contract.name())
            .join(format!("{}.wasm", contract.name()));
        let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let imports = imports(&wasm);
        let names: Vec<&str> = imports.iter().map(|(_, n)| n.as_str()).collect();
        // The parse found the host functions every ink! contract imports.
        assert!(
            names.contains(&"seal_return") && names.contains(&"input"),
            "{}: {names:?}",
            contract.name()
        );
        for forbidden in [
            "terminate",
            "set_code_hash",
            "delegate_call",
            "call_runtime",
            "take_storage",
        ] {
            assert!(
                !names.iter().any(|n| n.contains(forbidden)),
                "{} imports {forbidden}: {names:?}",
                contract.name()
            );
        }
    }
}

fn contract_sources() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        for candidate in [dir.join("lib.rs"), dir.join("src")] {
            if candidate.is_file() {
                files.push(candidate);
            } else if candidate.is_dir() {
                for entry in walk(&candidate) {
                    files.push(entry);
                }
            }
        }
    }
    assert!(files.len() > 10, "found {files:?}");
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            // Unit tests may unwrap: only look at the code before a test module.
            let code = text.split("#[cfg(test)]").next().unwrap().to_owned();
            (p, code)
        })
        .collect()
}

fn walk(dir: &PathBuf) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn contract_code_never_panics_on_purpose_and_never_allows_reentry() {
    for (path, code) in contract_sources() {
        for pattern in [
            ".unwrap()",
            ".expect(",
            "panic!(",
            "unreachable!(",
            "todo!(",
            "unimplemented!(",
        ] {
            assert!(
                !code.contains(pattern),
                "{} contains {pattern}",
                path.display()
            );
        }
        for pattern in ["ALLOW_REENTRY", "set_allow_reentry"] {
            assert!(
                !code.contains(pattern),
                "{} enables re-entrancy ({pattern})",
                path.display()
            );
        }
    }
}

#[test]
fn the_build_keeps_overflow_checks_and_the_arithmetic_lint() {
    let script = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/build.sh"),
    )
    .unwrap();
    assert!(script.contains("CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true"));
    assert!(
        script.contains("cargo contract build --release"),
        "cargo-contract runs clippy -D arithmetic_side_effects"
    );
}

/// Every variant of the suite's `Error` is returned by some contract: an error nothing returns is
/// noise for every client that maps errors to sentences.
#[test]
fn every_error_variant_is_returned_somewhere() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts");
    let error_rs = std::fs::read_to_string(root.join("common/src/error.rs")).unwrap();
    let body = error_rs
        .split("pub enum Error {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("the Error enum");
    let variants: Vec<String> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .filter_map(|l| {
            let name: String = l.chars().take_while(|c| c.is_alphanumeric()).collect();
            (!name.is_empty()).then_some(name)
        })
        .collect();
    assert!(variants.len() > 60, "{variants:?}");
    let code: String = contract_sources()
        .into_iter()
        .filter(|(path, _)| !path.ends_with("error.rs"))
        .map(|(_, code)| code)
        .collect();
    for variant in variants {
        assert!(
            code.contains(&format!("Error::{variant}")),
            "Error::{variant} is returned by no contract"
        );
    }
}
