//! The record gateway as its own process (`carechain-gateway`), started and stopped by the demo:
//! the binary beside the demo's own (`target/debug/`), or `$CARECHAIN_GATEWAY_BIN`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running gateway process; stopped when dropped.
pub struct GatewayProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub id: String,
    pub log: PathBuf,
}

impl Drop for GatewayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the gateway binary is.
pub fn gateway_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CARECHAIN_GATEWAY_BIN") {
        return Ok(PathBuf::from(path));
    }
    let here = std::env::current_exe().map_err(|e| e.to_string())?;
    let beside = here
        .parent()
        .map(|dir| dir.join("carechain-gateway"))
        .filter(|p| p.exists())
        .ok_or_else(|| {
            format!(
                "no carechain-gateway beside {} (cargo build -p carechain-gateway, or set \
                 CARECHAIN_GATEWAY_BIN)",
                here.display()
            )
        })?;
    Ok(beside)
}

impl GatewayProcess {
    /// Start `carechain-gateway --url <chain> --listen 127.0.0.1:0 --store <store>`, wait until
    /// it says where it listens, and write the rest of its log to `log`.
    pub fn start(
        chain: &str,
        store: &Path,
        id: &str,
        log: &Path,
    ) -> Result<GatewayProcess, String> {
        let binary = gateway_binary()?;
        let mut child = Command::new(&binary)
            .args(["--url", chain, "--listen", "127.0.0.1:0", "--id", id])
            .arg("--store")
            .arg(store)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let stderr = child.stderr.take().ok_or("no gateway log")?;
        let mut lines = BufReader::new(stderr).lines();
        let mut file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut base = None;
        for line in lines.by_ref() {
            let line = line.map_err(|e| e.to_string())?;
            let _ = writeln!(file, "{line}");
            if let Some(address) = line.split("listening on ").nth(1) {
                base = Some(address.trim().to_owned());
                break;
            }
        }
        let Some(base) = base else {
            let _ = child.wait();
            return Err(format!(
                "the gateway exited before it listened; its log: {}",
                log.display()
            ));
        };
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let _ = writeln!(file, "{line}");
            }
        });
        Ok(GatewayProcess {
            child,
            base,
            id: id.to_owned(),
            log: log.to_owned(),
        })
    }
}
