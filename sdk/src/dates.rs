//! Calendar dates without a date library: civil date <-> days since 1970-01-01 (proleptic
//! Gregorian, UTC), as the chain's millisecond timestamps need.

pub const DAY_MS: u64 = 86_400_000;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD` at 00:00 UTC, in ms.
pub fn parse_date(text: &str) -> Result<u64, String> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(format!("{text:?} is not a date (YYYY-MM-DD)"));
    };
    let (y, m, d): (i64, u32, u32) = (
        y.parse().map_err(|_| format!("{text:?}: bad year"))?,
        m.parse().map_err(|_| format!("{text:?}: bad month"))?,
        d.parse().map_err(|_| format!("{text:?}: bad day"))?,
    );
    if !(1..=12).contains(&m)
        || d == 0
        || d > 31
        || civil_from_days(days_from_civil(y, m, d)) != (y, m, d)
    {
        return Err(format!("{text:?} is not a calendar date"));
    }
    let days = days_from_civil(y, m, d);
    u64::try_from(days)
        .map(|days| days * DAY_MS)
        .map_err(|_| format!("{text:?} is before 1970"))
}

/// GS1's `YYMMDD` (day 00 means the last day of the month), at 00:00 UTC, in ms.
pub fn parse_yymmdd(text: &str) -> Result<u64, String> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not YYMMDD"));
    }
    let y = 2000 + text[0..2].parse::<i64>().unwrap_or(0);
    let m: u32 = text[2..4].parse().unwrap_or(0);
    let mut d: u32 = text[4..6].parse().unwrap_or(0);
    if d == 0 {
        let next = if m == 12 {
            days_from_civil(y + 1, 1, 1)
        } else {
            days_from_civil(y, m + 1, 1)
        };
        d = civil_from_days(next - 1).2;
    }
    parse_date(&format!("{y:04}-{m:02}-{d:02}"))
}

/// `YYYY-MM-DD` of a timestamp (UTC).
pub fn format_date(ms: u64) -> String {
    let (y, m, d) = civil_from_days((ms / DAY_MS) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// RFC 3339 (`YYYY-MM-DDTHH:MM:SS.mmmZ`) of a timestamp.
pub fn format_time(ms: u64) -> String {
    let secs = ms / 1000;
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        format_date(ms),
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60,
        ms % 1000
    )
}

/// A GS1 expiry date (the last day of use) as the chain's exclusive expiry timestamp, and back.
pub fn expiry_from_date(date_ms: u64) -> u64 {
    date_ms + DAY_MS
}

pub fn date_of_expiry(expiry_ms: u64) -> String {
    format_date(expiry_ms.saturating_sub(DAY_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(
            parse_date("2026-11-25").map(format_date),
            Ok("2026-11-25".into())
        );
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2026-13-01").is_err());
        assert_eq!(
            parse_yymmdd("270200").map(format_date),
            Ok("2027-02-28".into())
        );
        assert_eq!(
            parse_yymmdd("271231").map(format_date),
            Ok("2027-12-31".into())
        );
        assert_eq!(format_time(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(format_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_time(951_782_400_123), "2000-02-29T00:00:00.123Z");
        let exp = expiry_from_date(parse_date("2027-12-31").unwrap());
        assert_eq!(date_of_expiry(exp), "2027-12-31");
    }
}
