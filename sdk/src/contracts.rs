//! The suite's contracts and their release bundles (`scripts/build.sh` writes them to
//! `target/ink/<name>/`): code, selectors and metadata.

use std::collections::HashMap;
use std::path::PathBuf;

/// The suite's contracts, in deployment order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Contract {
    AuditLog,
    Access,
    Registry,
    Consent,
    Provenance,
    Claims,
    Credentials,
}

impl Contract {
    pub const ALL: [Contract; 7] = [
        Contract::AuditLog,
        Contract::Access,
        Contract::Registry,
        Contract::Consent,
        Contract::Provenance,
        Contract::Claims,
        Contract::Credentials,
    ];

    /// Crate name = bundle name.
    pub fn name(self) -> &'static str {
        match self {
            Contract::AuditLog => "audit_log",
            Contract::Access => "access",
            Contract::Registry => "registry",
            Contract::Consent => "consent",
            Contract::Provenance => "provenance",
            Contract::Claims => "claims",
            Contract::Credentials => "credentials",
        }
    }

    pub fn from_name(name: &str) -> Option<Contract> {
        Contract::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Where the release bundles are, by configuration: `$CARECHAIN_BUNDLES`; else the nearest
/// `target/ink` in the working directory or a parent of it (a checkout); else an `ink` folder
/// beside the running program (`target/debug/carechain` and test binaries in
/// `target/debug/deps` find `target/ink`; an installation's `<prefix>/bin/carechain` finds
/// `<prefix>/share/carechain/ink`). Never the source tree the program was compiled from.
pub fn bundles_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARECHAIN_BUNDLES") {
        return PathBuf::from(dir);
    }
    let beside_program = std::env::current_exe().ok().and_then(|exe| {
        exe.ancestors()
            .skip(1)
            .take(3)
            .flat_map(|dir| [dir.join("ink"), dir.join("share/carechain/ink")])
            .find(|candidate| candidate.is_dir())
    });
    nearest("target/ink")
        .or(beside_program)
        .unwrap_or_else(|| PathBuf::from("target/ink"))
}

/// The nearest `relative` folder in the working directory or one of its parents.
pub fn nearest(relative: &str) -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    here.ancestors()
        .map(|dir| dir.join(relative))
        .find(|candidate| candidate.is_dir())
}

/// A contract bundle: code plus the selectors and metadata of its `.contract` file.
#[derive(Clone, Debug)]
pub struct Artifact {
    pub name: String,
    pub wasm: Vec<u8>,
    pub code_hash: [u8; 32],
    pub messages: HashMap<String, [u8; 4]>,
    pub constructors: HashMap<String, [u8; 4]>,
    /// The bundle's metadata (`.contract` JSON without the code).
    pub metadata: serde_json::Value,
    /// Where each storage field lives.
    pub layout: crate::storage::Layout,
}

impl Artifact {
    /// Load `<bundles>/<name>/<name>.contract`.
    pub fn load(name: &str) -> Result<Artifact, String> {
        let path = bundles_dir().join(name).join(format!("{name}.contract"));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read {}: {e}. Build the contracts first: scripts/build.sh",
                path.display()
            )
        })?;
        Self::from_json(name, &text)
    }

    pub fn from_json(name: &str, text: &str) -> Result<Artifact, String> {
        let mut bundle: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("{name}: bundle is not JSON: {e}"))?;
        let wasm_hex = bundle["source"]["wasm"]
            .as_str()
            .ok_or_else(|| format!("{name}: bundle has no source.wasm"))?
            .trim_start_matches("0x")
            .to_owned();
        let wasm = hex::decode(wasm_hex).map_err(|e| format!("{name}: wasm is not hex: {e}"))?;
        let code_hash = hex_array(bundle["source"]["hash"].as_str().unwrap_or_default())
            .ok_or_else(|| format!("{name}: bundle has no source.hash"))?;
        if let Some(source) = bundle["source"].as_object_mut() {
            source.remove("wasm");
        }
        let selectors = |kind: &str| -> Result<HashMap<String, [u8; 4]>, String> {
            bundle["spec"][kind]
                .as_array()
                .ok_or_else(|| format!("{name}: metadata has no spec.{kind}"))?
                .iter()
                .map(|item| {
                    let label = item["label"].as_str().unwrap_or_default().to_owned();
                    let selector = hex_array(item["selector"].as_str().unwrap_or_default())
                        .ok_or_else(|| format!("{name}.{label}: bad selector"))?;
                    Ok((label, selector))
                })
                .collect()
        };
        Ok(Artifact {
            name: name.to_owned(),
            messages: selectors("messages")?,
            constructors: selectors("constructors")?,
            wasm,
            code_hash,
            layout: crate::storage::Layout::parse(&bundle),
            metadata: bundle,
        })
    }

    pub fn selector(&self, message: &str) -> Option<[u8; 4]> {
        self.messages.get(message).copied()
    }

    pub fn constructor(&self, constructor: &str) -> Option<[u8; 4]> {
        self.constructors.get(constructor).copied()
    }
}

/// `0x…` hex into a fixed-size array.
pub fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text.trim_start_matches("0x"))
        .ok()?
        .try_into()
        .ok()
}

/// Bundles loaded once per process and shared.
#[derive(Default, Clone, Debug)]
pub struct Bundles {
    loaded: HashMap<String, Artifact>,
}

impl Bundles {
    pub fn get(&mut self, name: &str) -> &Artifact {
        self.loaded
            .entry(name.to_owned())
            .or_insert_with(|| Artifact::load(name).unwrap_or_else(|e| panic!("{e}")))
    }
}
