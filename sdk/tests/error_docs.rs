//! Every variant of the contracts' `Error` is documented, and the TypeScript client's sentences
//! (`sdk-ts/src/error-docs.json`) are those docs: regenerate with
//! `UPDATE_FIXTURES=1 cargo test -p carechain-sdk --test error_docs` after changing `Error`.

use carechain_sdk::errors::all_docs as docs;

#[test]
fn every_error_is_documented_and_the_typescript_sentences_are_current() {
    let docs = docs();
    assert!(docs.len() > 60, "{}", docs.len());
    let undocumented: Vec<&String> = docs
        .iter()
        .filter(|(_, d)| d.len() < 8)
        .map(|(n, _)| n)
        .collect();
    assert!(
        undocumented.is_empty(),
        "undocumented errors: {undocumented:?}"
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk-ts/src/error-docs.json");
    let json = serde_json::to_string_pretty(&docs).unwrap() + "\n";
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(path, &json).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == json,
        "sdk-ts/src/error-docs.json is out of date: UPDATE_FIXTURES=1 cargo test -p carechain-sdk --test error_docs"
    );
}
