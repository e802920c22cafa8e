//! GS1 identifiers, read once for every client: GTIN-14 check digits, SGTIN and LGTIN EPC URIs,
//! GS1 Digital Link URIs, the element string of a pack's 2D barcode (human-readable with
//! parentheses, or raw with FNC1 as the GS character), and the rule that turns a chain verdict and
//! the printed expiry into a GS1 Lightweight Messaging / VRS response code. The TypeScript SDK's
//! copy (`sdk-ts/src/gs1.ts`) is tested against vectors this module writes
//! (`tests/tests/ts_interop.rs`).

use crate::dates::{format_date, parse_yymmdd};
use carechain_common::{Gtin, Verdict};

/// The mod-10 check digit of the first 13 digits of a GTIN-14.
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A GTIN-14 from 14 digits with a valid check digit.
pub fn parse_gtin(text: &str) -> Result<u64, String> {
    let digits: Vec<u8> = text.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    if digits.len() != 14 || digits.iter().any(|d| *d > 9) {
        return Err(format!("{text:?} is not a 14-digit GTIN"));
    }
    if check_digit(&digits[..13]) != digits[13] {
        return Err(format!("{text:?}: wrong GTIN check digit"));
    }
    text.parse().map_err(|_| format!("{text:?} is not a GTIN"))
}

pub fn gtin_text(gtin: u64) -> String {
    format!("{gtin:014}")
}

/// A pack: GTIN and serial (numeric on CareChain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sgtin {
    pub gtin: u64,
    pub serial: u64,
}

/// A class of product by lot: GTIN and lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lgtin {
    pub gtin: u64,
    pub lot: String,
}

fn numeric_serial(text: &str) -> Result<u64, String> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "serial {text:?}: CareChain registers numeric serials (up to 19 digits)"
        ));
    }
    text.parse()
        .map_err(|_| format!("serial {text:?} is too large"))
}

/// GTIN-14 from an EPC's company prefix and indicator + item reference.
fn gtin_from_epc(prefix: &str, indicator_item: &str) -> Result<u64, String> {
    let (indicator, item) = indicator_item.split_at(indicator_item.len().min(1));
    let body = format!("{indicator}{prefix}{item}");
    if body.len() != 13 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{prefix}.{indicator_item}: company prefix and item reference must be 13 digits"
        ));
    }
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    parse_gtin(&format!("{body}{}", check_digit(&digits)))
}

/// `urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial` or a GS1 Digital Link
/// `https://<host>/01/<gtin>/21/<serial>[...]`.
pub fn parse_sgtin(uri: &str) -> Result<Sgtin, String> {
    if let Some(rest) = uri.strip_prefix("urn:epc:id:sgtin:") {
        let parts: Vec<&str> = rest.split('.').collect();
        let [prefix, item, serial] = parts[..] else {
            return Err(format!("{uri}: an SGTIN has three parts"));
        };
        return Ok(Sgtin {
            gtin: gtin_from_epc(prefix, item)?,
            serial: numeric_serial(serial)?,
        });
    }
    let (gtin, rest) = digital_link(uri)?;
    let serial = ai_value(&rest, "21").ok_or_else(|| format!("{uri}: no serial (21)"))?;
    Ok(Sgtin {
        gtin,
        serial: numeric_serial(&serial)?,
    })
}

/// `urn:epc:class:lgtin:CompanyPrefix.IndicatorItemRef.Lot` or a Digital Link with `/10/<lot>`.
pub fn parse_lgtin(uri: &str) -> Result<Lgtin, String> {
    if let Some(rest) = uri.strip_prefix("urn:epc:class:lgtin:") {
        let parts: Vec<&str> = rest.splitn(3, '.').collect();
        let [prefix, item, lot] = parts[..] else {
            return Err(format!("{uri}: an LGTIN has three parts"));
        };
        return Ok(Lgtin {
            gtin: gtin_from_epc(prefix, item)?,
            lot: lot.to_owned(),
        });
    }
    let (gtin, rest) = digital_link(uri)?;
    let lot = ai_value(&rest, "10").ok_or_else(|| format!("{uri}: no lot (10)"))?;
    Ok(Lgtin { gtin, lot })
}

fn digital_link(uri: &str) -> Result<(u64, Vec<String>), String> {
    let path = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
        .and_then(|rest| rest.split_once('/').map(|(_, p)| p))
        .ok_or_else(|| format!("{uri}: neither an EPC URI nor a GS1 Digital Link"))?;
    let segments: Vec<String> = path.split('/').map(|s| s.to_owned()).collect();
    match segments.as_slice() {
        [ai, gtin, rest @ ..] if ai == "01" => Ok((parse_gtin(gtin)?, rest.to_vec())),
        _ => Err(format!("{uri}: a Digital Link starts with /01/<gtin>")),
    }
}

fn ai_value(segments: &[String], ai: &str) -> Option<String> {
    segments
        .chunks(2)
        .find(|pair| pair.len() == 2 && pair[0] == ai)
        .map(|pair| pair[1].clone())
}

/// A pack's Digital Link URI (export: no company-prefix length needed).
pub fn digital_link_sgtin(gtin: u64, serial: u64) -> String {
    format!("https://id.gs1.org/01/{}/21/{serial}", gtin_text(gtin))
}

pub fn digital_link_lgtin(gtin: u64, lot: &str) -> String {
    format!("https://id.gs1.org/01/{}/10/{lot}", gtin_text(gtin))
}

/// The product identifier read from a pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackId {
    pub gtin: u64,
    pub serial: u64,
    pub lot: String,
    /// The printed expiry date, `YYYY-MM-DD`.
    pub expiry: Option<String>,
}

/// The GS character (ASCII 29) that stands for FNC1 in a raw element string.
const GS: char = '\u{1d}';

/// The application identifiers of a pack's barcode, split out of an element string.
fn element_fields(text: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut fields = std::collections::BTreeMap::new();
    let body = text.trim();
    // A scanner may prefix the symbology identifier of GS1 DataMatrix.
    let body = body.strip_prefix("]d2").unwrap_or(body);
    if body.starts_with('(') {
        let mut rest = body;
        while !rest.is_empty() {
            let inner = rest
                .strip_prefix('(')
                .ok_or_else(|| format!("{text:?}: expected (AI) at {rest:?}"))?;
            let (ai, tail) = inner
                .split_once(')')
                .ok_or_else(|| format!("{text:?}: unclosed AI"))?;
            let end = tail.find('(').unwrap_or(tail.len());
            fields.insert(ai.to_owned(), tail[..end].trim().to_owned());
            rest = &tail[end..];
        }
        return Ok(fields);
    }
    // Raw: fixed-length AIs (01: 14 digits, 17: 6 digits) run on; variable-length ones (10,
    // 21) end at a GS or at the end.
    let raw = body.strip_prefix(GS).unwrap_or(body);
    let mut rest = raw;
    while !rest.is_empty() {
        let ai = rest
            .get(..2)
            .ok_or_else(|| format!("{text:?}: a truncated application identifier"))?;
        let tail = &rest[2..];
        let (value, next) = match ai {
            "01" | "17" => {
                let n = if ai == "01" { 14 } else { 6 };
                let value = tail
                    .get(..n)
                    .ok_or_else(|| format!("{text:?}: ({ai}) is {n} digits"))?;
                (value, &tail[n..])
            }
            "10" | "21" => match tail.find(GS) {
                Some(end) => (&tail[..end], &tail[end + GS.len_utf8()..]),
                None => (tail, ""),
            },
            other => {
                return Err(format!(
                    "{text:?}: unsupported application identifier ({other})"
                ))
            }
        };
        fields.insert(ai.to_owned(), value.to_owned());
        rest = next;
    }
    Ok(fields)
}

/// A pack's GS1 element string: `(01)…(21)…(10)…(17)YYMMDD` in any order, or the raw form.
pub fn parse_element_string(text: &str) -> Result<PackId, String> {
    let fields = element_fields(text)?;
    let take = |ai: &str| {
        fields
            .get(ai)
            .cloned()
            .ok_or_else(|| format!("{text:?}: no ({ai})"))
    };
    let gtin = parse_gtin(&take("01")?)?;
    let serial = numeric_serial(&take("21")?)?;
    let expiry = match fields.get("17") {
        Some(yymmdd) => Some(format_date(parse_yymmdd(yymmdd)?)),
        None => None,
    };
    Ok(PackId {
        gtin,
        serial,
        lot: take("10")?,
        expiry,
    })
}

/// Whether the expiry printed on a pack is the batch's (a pack without a printed expiry, or a
/// batch the chain does not know, leaves nothing to compare).
pub fn expiry_matches(printed: Option<&str>, on_chain: Option<&str>) -> bool {
    match (printed, on_chain) {
        (Some(printed), Some(known)) => printed == known,
        _ => true,
    }
}

/// The LM / VRS response code for a verdict and whether the printed expiry matched, with the LM
/// failure reason of a non-match.
pub fn response_code(
    verdict: Verdict,
    expiry_matches: bool,
) -> (&'static str, Option<&'static str>) {
    match verdict {
        Verdict::Genuine | Verdict::Returning if !expiry_matches => {
            ("NO_MATCH", Some("No_match_GTIN_Serial_Lot_Expiry"))
        }
        // A pack being returned is genuine stock on its way back (the saleable-returns case).
        Verdict::Genuine | Verdict::Returning => ("VERIFIED", None),
        Verdict::UnknownProduct => ("NO_MATCH", Some("No_match_GTIN")),
        Verdict::UnknownSerial => ("NO_MATCH", Some("No_match_GTIN_Serial")),
        Verdict::UnknownLot => ("NO_MATCH", Some("No_match_GTIN_Serial_Lot")),
        Verdict::Recalled => ("RECALLED", None),
        Verdict::Expired => ("EXPIRED", None),
        // A serial seen twice, a held batch, a pack that already left the supply chain: do not
        // dispense, investigate (DSCSA "suspect product").
        Verdict::Suspect | Verdict::Quarantined | Verdict::Dispensed | Verdict::Destroyed => {
            ("SUSPECT", None)
        }
    }
}

/// A verdict in words, for the person holding the pack.
pub fn verdict_words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Genuine => {
            "genuine: known product, lot and serial; the batch is active and in date"
        }
        Verdict::UnknownProduct => "no manufacturer registered this GTIN",
        Verdict::UnknownLot => "the GTIN is known but no batch has this lot: wrong lot on the pack",
        Verdict::UnknownSerial => "the serial is outside the batch's range: counterfeit",
        Verdict::Suspect => "a second pack with this serial was found: treat as counterfeit",
        Verdict::Recalled => "the batch is recalled: do not dispense",
        Verdict::Quarantined => {
            "the batch is quarantined: do not dispense until the hold is lifted"
        }
        Verdict::Expired => "the batch is past its expiry",
        Verdict::Dispensed => "this serial was dispensed already: the pack should not be in stock",
        Verdict::Destroyed => "this serial was destroyed",
        Verdict::Returning => "genuine, listed in a pending saleable return",
    }
}

/// The words for a pack whose printed expiry is not its batch's.
pub const EXPIRY_MISMATCH_WORDS: &str = "the printed expiry is not the batch's expiry";

/// A valid GTIN-14 derived from some bytes (a company prefix of this run's own).
pub fn gtin_for(bytes: &[u8]) -> Gtin {
    let body = bytes.iter().take(8).fold(0u64, |acc, b| {
        (acc * 256 + u64::from(*b)) % 1_000_000_000_000
    });
    let base = 1_000_000_000_000 + body; // 13 digits
    (0..10)
        .map(|check| Gtin(base * 10 + check))
        .find(|g| g.is_valid())
        .expect("one check digit fits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_parse_in_both_forms() {
        // GS1 Tag Data Standard example: 0614141.812345.6789 -> GTIN 80614141123458.
        assert_eq!(
            parse_sgtin("urn:epc:id:sgtin:0614141.112345.400"),
            Ok(Sgtin {
                gtin: 10_614_141_123_459,
                serial: 400
            })
        );
        assert_eq!(
            parse_sgtin("https://id.gs1.org/01/10614141123459/21/400"),
            Ok(Sgtin {
                gtin: 10_614_141_123_459,
                serial: 400
            })
        );
        assert_eq!(
            parse_lgtin("urn:epc:class:lgtin:0614141.112345.LOT-7"),
            Ok(Lgtin {
                gtin: 10_614_141_123_459,
                lot: "LOT-7".into()
            })
        );
        assert_eq!(
            parse_lgtin("https://id.gs1.org/01/10614141123459/10/LOT-7"),
            Ok(Lgtin {
                gtin: 10_614_141_123_459,
                lot: "LOT-7".into()
            })
        );
        assert_eq!(
            parse_sgtin("urn:epc:id:sgtin:0614141.812345.6789"),
            Ok(Sgtin {
                gtin: 80_614_141_123_458,
                serial: 6789
            })
        );
        assert!(parse_sgtin("urn:epc:id:sgtin:0614141.112345.AB12")
            .unwrap_err()
            .contains("numeric"));
        assert!(parse_gtin("10614141123458")
            .unwrap_err()
            .contains("check digit"));
        assert!(parse_sgtin("urn:epc:id:sscc:0614141.1234567890").is_err());
    }

    #[test]
    fn element_strings_parse_in_any_order() {
        let pack = parse_element_string("(01)10614141123459(17)271231(10)LOT-7(21)400").unwrap();
        assert_eq!(
            pack,
            PackId {
                gtin: 10_614_141_123_459,
                serial: 400,
                lot: "LOT-7".into(),
                expiry: Some("2027-12-31".into())
            }
        );
        assert!(parse_element_string("(01)10614141123459(10)LOT-7")
            .unwrap_err()
            .contains("(21)"));
        assert!(parse_element_string("0110614141123459").is_err());
        // The raw form (FNC1 as GS) reads the same pack.
        assert_eq!(
            parse_element_string("\u{1d}01106141411234591727123110LOT-7\u{1d}21400")
                .map(|p| (p.gtin, p.serial, p.expiry)),
            Ok((10_614_141_123_459, 400, Some("2027-12-31".into())))
        );
    }

    #[test]
    fn every_verdict_has_one_response_code() {
        assert_eq!(response_code(Verdict::Recalled, true).0, "RECALLED");
        assert_eq!(response_code(Verdict::Genuine, true), ("VERIFIED", None));
        assert_eq!(response_code(Verdict::Genuine, false).0, "NO_MATCH");
        assert_eq!(response_code(Verdict::Dispensed, true).0, "SUSPECT");
        assert_eq!(response_code(Verdict::Expired, true).0, "EXPIRED");
        assert_eq!(
            response_code(Verdict::UnknownSerial, true).1,
            Some("No_match_GTIN_Serial")
        );
    }
}
