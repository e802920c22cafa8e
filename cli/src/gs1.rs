//! GS1 identifiers: GTIN-14 check digits, SGTIN and LGTIN EPC URIs, GS1 Digital Link URIs,
//! GLN-based location and party URIs.

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
}
