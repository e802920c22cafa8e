//! Signature checks, and (feature `dev-keys`, for tests and the demo only) demo identities: the
//! sr25519 signing key and the X25519 encryption key of a named actor, derived from the name.
//! They are stand-ins (anyone who knows the name knows the keys); real clients generate keys
//! (`carechain keys new`) and keep them in a keystore or a wallet. Shipped binaries (the command
//! line, the gateway) are built without the feature, so they hold no such derivation
//! (`e2e/cli.sh` checks the binaries).

#[cfg(feature = "dev-keys")]
use carechain_common::EncryptionKey;
#[cfg(feature = "dev-keys")]
use carechain_vault::SecretKey;
use ink::primitives::AccountId;
use subxt_signer::sr25519::Keypair;
#[cfg(feature = "dev-keys")]
use subxt_signer::SecretUri;

#[cfg(feature = "dev-keys")]
/// The demo signing key of `name`: the secret URI `//<name>` (the dev chain's `//Alice` is
/// `demo_signer("Alice")`).
pub fn demo_signer(name: &str) -> Keypair {
    let uri: SecretUri = format!("//{name}").parse().expect("a derivation path");
    Keypair::from_uri(&uri).expect("a dev key")
}

/// The account of a demo signer.
pub fn account_of(key: &Keypair) -> AccountId {
    AccountId::from(key.public_key().0)
}

#[cfg(feature = "dev-keys")]
/// The demo X25519 secret of `name` (derived: a stand-in, never a real patient's key).
pub fn demo_secret(name: &str) -> SecretKey {
    SecretKey::derive(format!("carechain demo x25519 key of {name}").as_bytes())
}

#[cfg(feature = "dev-keys")]
/// The X25519 public key the registry publishes for demo actor `name`.
pub fn key_for(name: &str) -> EncryptionKey {
    EncryptionKey(demo_secret(name).public().0)
}

/// Verify an sr25519 signature by `account` over `message` (signing context "substrate", as
/// polkadot.js and subxt sign).
pub fn verify(account: &AccountId, message: &[u8], signature: &[u8; 64]) -> bool {
    subxt_signer::sr25519::verify(
        &subxt_signer::sr25519::Signature(*signature),
        message,
        &subxt_signer::sr25519::PublicKey(*AsRef::<[u8; 32]>::as_ref(account)),
    )
}

#[cfg(all(test, feature = "dev-keys"))]
mod tests {
    use super::*;

    #[test]
    fn demo_keys_are_repeatable_and_sign() {
        let a = demo_signer("hospital");
        assert_eq!(account_of(&a), account_of(&demo_signer("hospital")));
        assert_ne!(account_of(&a), account_of(&demo_signer("researcher")));
        let sig = a.sign(b"hello").0;
        assert!(verify(&account_of(&a), b"hello", &sig));
        assert!(!verify(&account_of(&a), b"hellO", &sig));
        assert_eq!(key_for("x").0, demo_secret("x").public().0);
        // //Alice is the dev chain's Alice.
        assert_eq!(
            hex::encode(demo_signer("Alice").public_key().0),
            "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
        );
    }
}
