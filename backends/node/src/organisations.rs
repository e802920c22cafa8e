//! The first organisations a deployment credentials (`deploy --orgs FILE`), one per line:
//!
//! ```text
//! <ss58 account> <roles, comma-separated> <credential: 0x + sha2-256 of the licence document> <key: 0x + X25519 public key>
//! ```
//!
//! Roles: provider manufacturer distributor pharmacy insurer researcher regulator publichealth.
//! `#` starts a comment. The whole file is checked before anything is deployed.

use crate::parse_ss58;
use carechain_common::{Digest, EncryptionKey, Role, RoleSet};
use carechain_sdk::contracts::hex_array;
use ink::primitives::AccountId;

#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    pub account: AccountId,
    pub roles: RoleSet,
    pub credential: Digest,
    pub key: EncryptionKey,
}

/// A role by its lower-case name.
pub fn role_named(name: &str) -> Option<Role> {
    Role::ALL
        .into_iter()
        .find(|role| format!("{role:?}").eq_ignore_ascii_case(name))
}

/// Parse an organisations file; `origin` names it in errors (`file:line: ...`).
pub fn parse(origin: &str, text: &str) -> Result<Vec<Organisation>, String> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let at = format!("{origin}:{}", number + 1);
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [account, roles, credential, key] = fields[..] else {
            return Err(format!(
                "{at}: expected <account> <roles> <credential hash> <X25519 key>, found {} field(s)",
                fields.len()
            ));
        };
        let account = parse_ss58(account).map_err(|e| format!("{at}: not an SS58 account: {e}"))?;
        let mut set = RoleSet::EMPTY;
        for name in roles.split(',') {
            let role = role_named(name).ok_or_else(|| {
                format!(
                    "{at}: unknown role {name:?} (one of {})",
                    Role::ALL
                        .iter()
                        .map(|r| format!("{r:?}").to_lowercase())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            set = RoleSet(set.0 | role.bit());
        }
        let credential = hex_array::<32>(credential).filter(|_| credential.starts_with("0x")).ok_or_else(|| {
            format!("{at}: the credential must be 0x + 64 hex digits (sha2-256 of the licence document)")
        })?;
        let key = hex_array::<32>(key).filter(|_| key.starts_with("0x")).ok_or_else(|| {
            format!("{at}: the key must be 0x + 64 hex digits (the organisation's X25519 public key)")
        })?;
        if found.iter().any(|o: &Organisation| o.account == account) {
            return Err(format!("{at}: the account is listed twice"));
        }
        found.push(Organisation {
            account,
            roles: set,
            credential: Digest(credential),
            key: EncryptionKey(key),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
    const H: &str = "0x4d568199f8932f9b306002637b009bc6284510aeecefcf5f460adacf03ddc2de";

    #[test]
    fn a_valid_file_parses() {
        let text = format!("# first\n{BOB} provider,pharmacy {H} {H} # trailing\n\n");
        let orgs = parse("orgs", &text).unwrap();
        assert_eq!(orgs.len(), 1);
        assert_eq!(
            orgs[0].roles,
            RoleSet::of(&[Role::Provider, Role::Pharmacy])
        );
        assert_eq!(orgs[0].credential.0[0], 0x4d);
    }

    #[test]
    fn each_mistake_is_named_with_its_line() {
        for (line, expect) in [
            (format!("{BOB} provider {H}"), "found 3 field(s)"),
            (format!("5Fxyz provider {H} {H}"), "not an SS58 account"),
            (format!("{BOB} surgeon {H} {H}"), "unknown role \"surgeon\""),
            (format!("{BOB} provider 0x12 {H}"), "the credential must be"),
            (format!("{BOB} provider {H} {}", &H[2..]), "the key must be"),
            (
                format!("{BOB} provider {H} {H}\n{BOB} insurer {H} {H}"),
                "listed twice",
            ),
        ] {
            let err = parse("orgs", &format!("# header\n{line}")).unwrap_err();
            assert!(err.starts_with("orgs:") && err.contains(expect), "{err}");
            let line_no = if expect == "listed twice" {
                "orgs:3"
            } else {
                "orgs:2"
            };
            assert!(err.starts_with(line_no), "{err}");
        }
    }
}
