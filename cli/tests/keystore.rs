//! The keystore: identities made, listed and opened; wrong passwords, names and duplicates
//! refused with nothing written; and the chain key's file is polkadot{.js}'s JSON keystore both
//! ways: an account made by @polkadot/keyring imports here (`polkadot-js-account.json`), and
//! one made here opens there (`keystore-account.json`, opened by sdk-ts/test/misc.test.ts).
//! `UPDATE_FIXTURES=1` rewrites the Rust-made fixture.

use carechain_backend_node::ss58;
use carechain_cli::keystore::Keystore;
use serde_json::{json, Value};
use std::path::PathBuf;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("carechain-keystore-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../sdk-ts/test/fixtures")
        .join(name)
}

#[test]
fn identities_are_made_listed_and_opened_only_with_their_password() {
    let d = dir("life");
    let keys = Keystore::at(&d);
    let made = keys.create("st-marys", "pa55 word").unwrap();
    assert_eq!(keys.show("st-marys").unwrap(), made);
    assert_eq!(keys.list().unwrap(), vec![made.clone()]);
    let chain = keys.chain_key("st-marys", "pa55 word").unwrap();
    assert_eq!(
        ink::primitives::AccountId::from(chain.public_key().0),
        made.account
    );
    let vault = keys.vault_key("st-marys", "pa55 word").unwrap();
    assert_eq!(vault.public().0, made.vault_public);

    // Refusals, each changing nothing.
    assert!(keys.chain_key("st-marys", "wrong").is_err());
    assert!(keys.vault_key("st-marys", "wrong").is_err());
    assert!(keys
        .create("st-marys", "other")
        .unwrap_err()
        .contains("exists already"));
    assert_eq!(keys.show("st-marys").unwrap(), made, "not overwritten");
    for bad in ["", "../up", ".hidden", "a/b"] {
        assert!(keys.create(bad, "x").is_err(), "{bad:?}");
    }
    assert!(keys.create("empty", "").is_err());
    assert_eq!(keys.list().unwrap().len(), 1);

    // The files hold no secret in clear and are the owner's only.
    let folder = d.join("st-marys");
    for file in ["chain.json", "vault.json"] {
        let text = std::fs::read_to_string(folder.join(file)).unwrap();
        assert!(!text.contains(vault.to_hex().as_str()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(folder.join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{file} is the owner's only");
        }
    }

    // An identity's chain key imports into another keystore (same account, new vault key).
    let other = Keystore::at(&dir("copy"));
    let text = std::fs::read_to_string(folder.join("chain.json")).unwrap();
    assert!(other.import("copy", &text, "wrong").is_err());
    let copied = other.import("copy", &text, "pa55 word").unwrap();
    assert_eq!(copied.account, made.account);
    assert_ne!(copied.vault_public, made.vault_public);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn an_account_made_by_polkadot_js_imports_and_one_made_here_opens_there() {
    let theirs: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("polkadot-js-account.json")).unwrap(),
    )
    .unwrap();
    let password = theirs["password"].as_str().unwrap();
    let folder = dir("interop");
    let keys = Keystore::at(&folder);
    let imported = keys
        .import("from-wallet", &theirs["account"].to_string(), password)
        .unwrap();
    assert_eq!(ss58(&imported.account), theirs["address"].as_str().unwrap());
    let signer = keys.chain_key("from-wallet", password).unwrap();
    assert_eq!(
        ink::primitives::AccountId::from(signer.public_key().0),
        imported.account
    );

    // Ours, for the TypeScript side (a test key, never funded).
    let path = fixture("keystore-account.json");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        let made = keys
            .create("for-polkadot-js", "our fixture password")
            .unwrap();
        let text = std::fs::read_to_string(folder.join("for-polkadot-js/chain.json")).unwrap();
        let account: Value = serde_json::from_str(&text).unwrap();
        let out = json!({"password": "our fixture password", "address": ss58(&made.account), "account": account});
        std::fs::write(&path, serde_json::to_string_pretty(&out).unwrap() + "\n").unwrap();
    }
    let ours: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let pair = subxt_signer::polkadot_js_compat::decrypt_json(
        &ours["account"].to_string(),
        ours["password"].as_str().unwrap(),
    )
    .expect("our fixture opens");
    assert_eq!(
        ss58(&ink::primitives::AccountId::from(pair.public_key().0)),
        ours["address"].as_str().unwrap()
    );
}

#[test]
fn a_vault_key_rotation_keeps_the_former_key_and_needs_the_password() {
    let d = dir("rotate");
    let keys = Keystore::at(&d);
    let made = keys.create("clinic", "pa55").unwrap();
    let first = keys.vault_key("clinic", "pa55").unwrap();
    assert!(keys.former_vault_key("clinic", "pa55").is_err(), "none yet");
    // A wrong password rotates nothing.
    assert!(keys.rotate_vault("clinic", "wrong").is_err());
    assert_eq!(keys.show("clinic").unwrap(), made);
    let rotated = keys.rotate_vault("clinic", "pa55").unwrap();
    assert_eq!(rotated.account, made.account, "the chain key stays");
    assert_ne!(rotated.vault_public, made.vault_public);
    assert_eq!(
        keys.vault_key("clinic", "pa55").unwrap().public().0,
        rotated.vault_public
    );
    assert_eq!(
        keys.former_vault_key("clinic", "pa55").unwrap().to_hex(),
        first.to_hex(),
        "the former key is kept whole"
    );
    // A second rotation: the newest former key is the one just replaced.
    keys.rotate_vault("clinic", "pa55").unwrap();
    assert_eq!(
        keys.former_vault_key("clinic", "pa55").unwrap().public().0,
        rotated.vault_public
    );
    assert!(keys.former_vault_key("clinic", "wrong").is_err());
    // Files stay the owner's, no secret in clear, and no half-made file is left.
    let folder = d.join("clinic");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chain.json",
            "vault-former-1.json",
            "vault-former-2.json",
            "vault.json"
        ]
    );
    for name in &names {
        let text = std::fs::read_to_string(folder.join(name)).unwrap();
        assert!(!text.contains(first.to_hex().as_str()));
    }
    std::fs::remove_dir_all(&d).ok();
}
