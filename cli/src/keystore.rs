//! The command line's keystore: one folder per identity, holding its two secrets, each
//! encrypted under the identity's password (scrypt N=2^15 r=8 p=1, then XSalsa20-Poly1305):
//! - `chain.json`: the sr25519 chain key in the polkadot{.js} JSON keystore format (version 3,
//!   PKCS#8), so the same account loads into a browser wallet extension, and an account exported
//!   from one is imported here;
//! - `vault.json`: the X25519 vault key (the record vault's recipient key), in the same envelope.
//!
//! `keys rotate` makes a new vault key: the current one is kept as `vault-former-N.json` (N counting
//! up), since records wrapped for it are re-wrapped from it (`record rewrap --for me`).
//!
//! Every file is written once and is readable by its owner only; a rotation replaces `vault.json`
//! (one rename) only after linking it as the newest former key, so no key is ever lost. Nothing here
//! prints, logs or returns a secret in clear; decrypted keys are zeroized when dropped.

use base64::Engine;
use carechain_vault::SecretKey;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use ink::primitives::AccountId;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use subxt_signer::sr25519::Keypair;
use zeroize::Zeroizing;

/// polkadot{.js}'s PKCS#8 framing of an sr25519 key pair.
const PKCS8_HEADER: [u8; 16] = [48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32];
const PKCS8_DIVIDER: [u8; 5] = [161, 35, 3, 33, 0];
/// scrypt's cost written here: log2 N, r, p (polkadot{.js}'s older default, which every
/// polkadot{.js} and subxt loader opens).
const SCRYPT: (u8, u32, u32) = (15, 8, 1);
/// log2 N accepted on reading (polkadot{.js} 13 writes 2^17); nothing larger, so a crafted file
/// cannot make a load take minutes.
const ACCEPTED_LOG_N: [u8; 2] = [15, 17];

/// What anyone may see of an identity: its name, account and vault public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub account: AccountId,
    pub vault_public: [u8; 32],
}

pub struct Keystore {
    dir: PathBuf,
}

fn text<E: core::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// `scrypt(password) -> XSalsa20-Poly1305(plaintext)`, framed as polkadot{.js} does:
/// salt ‖ N ‖ p ‖ r (u32 little endian) ‖ nonce ‖ ciphertext, in base64.
fn seal(password: &str, plaintext: &[u8]) -> Result<String, String> {
    let mut salt = [0u8; 32];
    let mut nonce = [0u8; 24];
    carechain_vault::fill_random(&mut salt).map_err(text)?;
    carechain_vault::fill_random(&mut nonce).map_err(text)?;
    let key = derive(password, &salt)?;
    let sealed = XSalsa20Poly1305::new(&key)
        .encrypt(Nonce::from_slice(&nonce), plaintext)
        .map_err(|_| "encryption failed".to_owned())?;
    let (log_n, r, p) = SCRYPT;
    let mut framed = salt.to_vec();
    framed.extend_from_slice(&(1u32 << log_n).to_le_bytes());
    framed.extend_from_slice(&p.to_le_bytes());
    framed.extend_from_slice(&r.to_le_bytes());
    framed.extend_from_slice(&nonce);
    framed.extend_from_slice(&sealed);
    Ok(base64::engine::general_purpose::STANDARD.encode(framed))
}

fn open(password: &str, encoded: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    let framed = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "not base64".to_owned())?;
    if framed.len() < 68 + 16 {
        return Err("too short".into());
    }
    let word = |at: usize| u32::from_le_bytes(framed[at..at + 4].try_into().unwrap_or([0; 4]));
    let (_, r, p) = SCRYPT;
    let log_n = ACCEPTED_LOG_N
        .into_iter()
        .find(|&log_n| (word(32), word(36), word(40)) == (1 << log_n, p, r))
        .ok_or("unsupported scrypt parameters")?;
    let key = derive_with(log_n, password, &framed[..32])?;
    XSalsa20Poly1305::new(&key)
        .decrypt(Nonce::from_slice(&framed[44..68]), &framed[68..])
        .map(Zeroizing::new)
        .map_err(|_| "wrong password, or the file is damaged".to_owned())
}

fn derive(password: &str, salt: &[u8]) -> Result<Key, String> {
    derive_with(SCRYPT.0, password, salt)
}

fn derive_with(log_n: u8, password: &str, salt: &[u8]) -> Result<Key, String> {
    let (_, r, p) = SCRYPT;
    let params = scrypt::Params::new(log_n, r, p, 32).map_err(text)?;
    let mut key = Key::default();
    scrypt::scrypt(password.as_bytes(), salt, &params, &mut key).map_err(text)?;
    Ok(key)
}

fn ss58(account: &AccountId) -> String {
    carechain_backend_node::ss58(account)
}

/// A name is a folder: letters, digits, `-`, `_`, `.`, not starting with `.`.
fn valid_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name:?}: an identity's name is 1-64 letters, digits, '-', '_' or '.'"
        ))
    }
}

fn write_once(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A fresh sr25519 key pair: its polkadot{.js} PKCS#8 bytes and its account.
fn fresh_chain_key() -> Result<(Zeroizing<Vec<u8>>, AccountId), String> {
    let mut seed = Zeroizing::new([0u8; 32]);
    carechain_vault::fill_random(&mut seed[..]).map_err(text)?;
    let pair = schnorrkel::MiniSecretKey::from_bytes(&seed[..])
        .map_err(text)?
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519);
    let public = pair.public.to_bytes();
    let mut pkcs8 = Zeroizing::new(PKCS8_HEADER.to_vec());
    pkcs8.extend_from_slice(&Zeroizing::new(pair.secret.to_ed25519_bytes())[..]);
    pkcs8.extend_from_slice(&PKCS8_DIVIDER);
    pkcs8.extend_from_slice(&public);
    Ok((pkcs8, AccountId::from(public)))
}

impl Keystore {
    /// The keystore in `dir` (made, owner-only, on first write).
    pub fn at(dir: &Path) -> Keystore {
        Keystore {
            dir: dir.to_path_buf(),
        }
    }

    /// `$CARECHAIN_KEYSTORE`, else `~/.carechain/keys`.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("CARECHAIN_KEYSTORE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".carechain/keys")))
            .unwrap_or_else(|| PathBuf::from(".carechain/keys"))
    }

    fn folder(&self, name: &str) -> Result<PathBuf, String> {
        valid_name(name)?;
        Ok(self.dir.join(name))
    }

    fn make_folder(&self, name: &str) -> Result<PathBuf, String> {
        let folder = self.folder(name)?;
        if folder.exists() {
            return Err(format!("an identity named {name} exists already"));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&self.dir)
                .map_err(|e| format!("{}: {e}", self.dir.display()))?;
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(&folder)
                .map_err(|e| format!("{}: {e}", folder.display()))?;
        }
        #[cfg(not(unix))]
        std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        Ok(folder)
    }

    /// Write `name`'s two files: the chain key's (`chain`, a polkadot{.js} JSON) and a fresh
    /// vault key's. A failure removes the half-made identity.
    fn write(&self, name: &str, chain: &Value, password: &str) -> Result<Identity, String> {
        let folder = self.make_folder(name)?;
        let written = (|| {
            let vault_json = vault_file(password)?;
            write_once(&folder.join("chain.json"), &chain.to_string())?;
            write_once(&folder.join("vault.json"), &vault_json.to_string())?;
            self.show(name)
        })();
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&folder);
        }
        written
    }

    /// A new identity: a fresh chain key and a fresh vault key under `password`.
    pub fn create(&self, name: &str, password: &str) -> Result<Identity, String> {
        if password.is_empty() {
            return Err("an empty password protects nothing".into());
        }
        let (pkcs8, account) = fresh_chain_key()?;
        let chain = json!({
            "encoded": seal(password, &pkcs8)?,
            "encoding": {"content": ["pkcs8", "sr25519"], "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
            "address": ss58(&account),
            "meta": {"name": name, "whenCreated": now_ms()},
        });
        self.write(name, &chain, password)
    }

    /// An identity from a polkadot{.js} JSON account (a wallet extension's export), which
    /// `password` must open; the vault key is made fresh under the same password.
    pub fn import(&self, name: &str, chain_json: &str, password: &str) -> Result<Identity, String> {
        let chain: Value = serde_json::from_str(chain_json).map_err(text)?;
        let pair = open_account(&chain, password)
            .map_err(|e| format!("the account does not open: {e}"))?;
        // Stored as this keystore writes it (the wallet's own file stays the wallet's).
        let account = AccountId::from(pair.public_key().0);
        let (pkcs8, _) = pkcs8_of(&chain, password)?;
        let stored = json!({
            "encoded": seal(password, &pkcs8)?,
            "encoding": {"content": ["pkcs8", "sr25519"], "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
            "address": ss58(&account),
            "meta": {"name": name, "whenCreated": now_ms()},
        });
        self.write(name, &stored, password)
    }

    /// Every identity, by name.
    pub fn list(&self) -> Result<Vec<Identity>, String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("chain.json").is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names.iter().map(|n| self.show(n)).collect()
    }

    /// An identity's public facts (no password needed).
    pub fn show(&self, name: &str) -> Result<Identity, String> {
        let folder = self.folder(name)?;
        if !folder.join("chain.json").is_file() {
            return Err(format!(
                "no identity named {name} in {}",
                self.dir.display()
            ));
        }
        let chain = read_json(&folder.join("chain.json"))?;
        let vault = read_json(&folder.join("vault.json"))?;
        let account = carechain_backend_node::parse_ss58(chain["address"].as_str().unwrap_or(""))?;
        let vault_public = vault["publicKey"]
            .as_str()
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or("vault.json has no public key")?;
        Ok(Identity {
            name: name.to_owned(),
            account,
            vault_public,
        })
    }

    /// The chain key, opened with `password`.
    pub fn chain_key(&self, name: &str, password: &str) -> Result<Keypair, String> {
        let path = self.folder(name)?.join("chain.json");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        subxt_signer::polkadot_js_compat::decrypt_json(&text, password)
            .map_err(|e| format!("{name}'s chain key does not open: {e}"))
    }

    /// The vault key, opened with `password` and checked against its public key.
    pub fn vault_key(&self, name: &str, password: &str) -> Result<SecretKey, String> {
        let path = self.folder(name)?.join("vault.json");
        open_vault_file(name, &path, password)
    }

    /// The former vault keys' files, newest first.
    fn former_files(&self, name: &str) -> Result<Vec<(u32, PathBuf)>, String> {
        let folder = self.folder(name)?;
        let entries =
            std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let mut found: Vec<(u32, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let file = e.file_name().into_string().ok()?;
                let n = file
                    .strip_prefix("vault-former-")?
                    .strip_suffix(".json")?
                    .parse()
                    .ok()?;
                Some((n, e.path()))
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(found)
    }

    /// The newest former vault key (the one before the current), opened with `password`.
    pub fn former_vault_key(&self, name: &str, password: &str) -> Result<SecretKey, String> {
        let (_, path) =
            self.former_files(name)?.into_iter().next().ok_or_else(|| {
                format!("{name} has no former vault key (`carechain keys rotate`)")
            })?;
        open_vault_file(name, &path, password)
    }

    /// A new vault key for `name` (the password must open the current one, which is kept as the
    /// newest former key). Register it on chain afterwards (`carechain rotate-key`), then
    /// re-wrap earlier records for it (`carechain record rewrap ID --for me`).
    pub fn rotate_vault(&self, name: &str, password: &str) -> Result<Identity, String> {
        self.vault_key(name, password)?;
        let folder = self.folder(name)?;
        let next_n = self.former_files(name)?.first().map_or(1, |(n, _)| n + 1);
        let next = folder.join("vault-next.json");
        // A rotation interrupted before its last step leaves this file: it was never current.
        let _ = std::fs::remove_file(&next);
        write_once(&next, &vault_file(password)?.to_string())?;
        // Keep the current key (a link: nothing is copied or lost), then make the new one
        // current in one rename.
        let current = folder.join("vault.json");
        std::fs::hard_link(&current, folder.join(format!("vault-former-{next_n}.json")))
            .map_err(|e| format!("{}: {e}", current.display()))?;
        std::fs::rename(&next, &current).map_err(|e| format!("{}: {e}", current.display()))?;
        self.show(name)
    }
}

/// A fresh vault key in its envelope under `password`.
fn vault_file(password: &str) -> Result<Value, String> {
    let vault = SecretKey::generate().map_err(text)?;
    Ok(json!({
        "encoded": seal(password, vault.to_hex().as_bytes())?,
        "encoding": {"content": ["x25519"], "type": ["scrypt", "xsalsa20-poly1305"], "version": "3"},
        "publicKey": hex::encode(vault.public().0),
    }))
}

/// A vault key file opened with `password` and checked against its public key.
fn open_vault_file(name: &str, path: &Path, password: &str) -> Result<SecretKey, String> {
    let damaged = || format!("{} is damaged", path.display());
    let vault = read_json(path)?;
    let hex_text = open(password, vault["encoded"].as_str().unwrap_or(""))
        .map_err(|e| format!("{name}'s vault key does not open: {e}"))?;
    let text = std::str::from_utf8(&hex_text).map_err(|_| damaged())?;
    let secret = SecretKey::from_hex(text).map_err(|_| damaged())?;
    if Some(hex::encode(secret.public().0).as_str()) != vault["publicKey"].as_str() {
        return Err(format!("{name}'s vault key does not match its public key"));
    }
    Ok(secret)
}

/// A polkadot{.js} JSON account's PKCS#8 bytes (checked: framing, and the public key against
/// the address) and its account.
fn pkcs8_of(chain: &Value, password: &str) -> Result<(Zeroizing<Vec<u8>>, AccountId), String> {
    let encoding = &chain["encoding"];
    let has = |field: &str, word: &str| {
        encoding[field]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == word))
    };
    if encoding["version"] != "3"
        || !has("content", "pkcs8")
        || !has("content", "sr25519")
        || !has("type", "scrypt")
        || !has("type", "xsalsa20-poly1305")
    {
        return Err("not a polkadot{.js} sr25519 account (JSON version 3)".into());
    }
    let pkcs8 = open(password, chain["encoded"].as_str().unwrap_or(""))?;
    if pkcs8.len() != 117 || pkcs8[..16] != PKCS8_HEADER || pkcs8[80..85] != PKCS8_DIVIDER {
        return Err("the decrypted key is not sr25519 PKCS#8".into());
    }
    let public: [u8; 32] = pkcs8[85..117].try_into().map_err(|_| "no public key")?;
    let account = AccountId::from(public);
    let address = carechain_backend_node::parse_ss58(chain["address"].as_str().unwrap_or(""))?;
    if address != account {
        return Err("the key is not the account's address".into());
    }
    Ok((pkcs8, account))
}

/// Open a polkadot{.js} JSON account as a signer. The key pair is built by subxt's own loader
/// (`polkadot_js_compat`) from the PKCS#8 re-framed under a one-time in-memory password, since
/// that loader accepts only scrypt N = 2^15 and wallets now write 2^17.
fn open_account(chain: &Value, password: &str) -> Result<Keypair, String> {
    let (pkcs8, account) = pkcs8_of(chain, password)?;
    let mut once = Zeroizing::new([0u8; 32]);
    carechain_vault::fill_random(&mut once[..]).map_err(text)?;
    let once = Zeroizing::new(hex::encode(&once[..]));
    let reframed = json!({
        "encoded": seal(&once, &pkcs8)?,
        "encoding": chain["encoding"],
        "address": ss58(&account),
    });
    subxt_signer::polkadot_js_compat::decrypt_json(&reframed.to_string(), &once).map_err(text)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The password: the first line of `$CARECHAIN_PASSWORD_FILE`, else a prompt on the terminal
/// (twice when `confirm`). Never an argument.
pub fn password(prompt: &str, confirm: bool) -> Result<Zeroizing<String>, String> {
    if let Some(path) = std::env::var_os("CARECHAIN_PASSWORD_FILE") {
        let text = Zeroizing::new(
            std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: {e}", Path::new(&path).display()))?,
        );
        return Ok(Zeroizing::new(text.lines().next().unwrap_or("").to_owned()));
    }
    let first = Zeroizing::new(rpassword::prompt_password(prompt).map_err(|e| {
        format!("no password: set CARECHAIN_PASSWORD_FILE or run on a terminal ({e})")
    })?);
    if confirm {
        let again = Zeroizing::new(rpassword::prompt_password("again: ").map_err(text)?);
        if *again != *first {
            return Err("the passwords differ".into());
        }
    }
    Ok(first)
}
