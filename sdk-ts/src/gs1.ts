// The GS1 element string of a pack's 2D barcode (GS1 DataMatrix): (01) GTIN, (21) serial,
// (10) lot, (17) expiry YYMMDD — raw (FNC1 as the GS character, ASCII 29) or in the
// human-readable form with parentheses; and the rule that turns a chain verdict and the printed
// expiry into a GS1 Lightweight Messaging / VRS response code. The same as the Rust SDK's
// `carechain_sdk::gs1`, checked against vectors it writes (test/fixtures/gs1-vectors.json).
// The verdict words are the page's own text for a pharmacist.

export interface Pack {
  gtin: string;
  /** Numeric, as CareChain registers serials. */
  serial: string;
  lot: string;
  /** The printed expiry, `YYYY-MM-DD`. */
  expiry?: string;
}

const GS = String.fromCharCode(29);
const FIXED: Record<string, number> = { '01': 14, '17': 6 };
const VARIABLE = new Set(['10', '21']);
const DAY_MS = 86_400_000n;

/** The mod-10 check digit of a GTIN-14 is valid. */
export function gtinValid(gtin: string): boolean {
  if (!/^\d{14}$/.test(gtin)) return false;
  const digits = gtin.split('').map(Number);
  const sum = digits.slice(0, 13).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits[13];
}

function fields(input: string): Record<string, string> {
  const out: Record<string, string> = {};
  let text = input.trim();
  if (text.startsWith(']d2')) text = text.slice(3);
  if (text.startsWith('(')) {
    let rest = text;
    while (rest.length > 0) {
      if (!rest.startsWith('(')) throw new Error(`expected (AI) at ${JSON.stringify(rest)}`);
      const close = rest.indexOf(')');
      if (close < 0) throw new Error('unclosed AI');
      const ai = rest.slice(1, close);
      const tail = rest.slice(close + 1);
      const end = tail.indexOf('(') < 0 ? tail.length : tail.indexOf('(');
      out[ai] = tail.slice(0, end).trim();
      rest = tail.slice(end);
    }
    return out;
  }
  let i = 0;
  const raw = text.startsWith(GS) ? text.slice(1) : text;
  while (i < raw.length) {
    const ai = raw.slice(i, i + 2);
    if (ai.length < 2) throw new Error('a truncated application identifier');
    i += 2;
    if (ai in FIXED) {
      const value = raw.slice(i, i + FIXED[ai]);
      if (value.length < FIXED[ai]) throw new Error(`(${ai}) is ${FIXED[ai]} digits`);
      out[ai] = value;
      i += FIXED[ai];
    } else if (VARIABLE.has(ai)) {
      const end = raw.indexOf(GS, i);
      out[ai] = raw.slice(i, end < 0 ? raw.length : end);
      i = end < 0 ? raw.length : end + 1;
    } else {
      throw new Error(`unsupported application identifier (${ai})`);
    }
  }
  return out;
}

function yymmdd(text: string): string {
  if (!/^\d{6}$/.test(text)) throw new Error(`${JSON.stringify(text)} is not YYMMDD`);
  const [yy, mm, dd] = [Number(text.slice(0, 2)), Number(text.slice(2, 4)), Number(text.slice(4, 6))];
  // GS1 General Specifications 7.12: a two-digit year within 50 years ahead, else the past.
  const year = 2000 + yy;
  if (mm < 1 || mm > 12) throw new Error(`${text}: no month ${mm}`);
  // DD 00 means the last day of the month.
  const last = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  const day = dd === 0 ? last : dd;
  if (day > last) throw new Error(`${text}: no day ${dd}`);
  return `${year}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseElementString(input: string): Pack {
  const f = fields(input);
  const gtin = f['01'];
  if (gtin === undefined) throw new Error('no (01)');
  if (!/^\d{14}$/.test(gtin)) throw new Error('the barcode has no 14-digit GTIN (01)');
  if (!gtinValid(gtin)) throw new Error('wrong GTIN check digit');
  const serial = f['21'];
  if (serial === undefined) throw new Error('no (21)');
  if (!/^\d{1,19}$/.test(serial) || BigInt(serial) > 18_446_744_073_709_551_615n) {
    throw new Error(`serial ${JSON.stringify(serial)}: CareChain registers numeric serials (up to 19 digits)`);
  }
  const expiry = f['17'] === undefined ? undefined : yymmdd(f['17']);
  const lot = f['10'];
  if (lot === undefined) throw new Error('no (10)');
  return { gtin, serial: BigInt(serial).toString(), lot, expiry };
}

/** The batch's expiry date (`YYYY-MM-DD`, the last day of use) of the chain's exclusive expiry
 *  timestamp. */
export function dateOfExpiry(expiryMs: bigint): string {
  const ms = expiryMs > DAY_MS ? expiryMs - DAY_MS : 0n;
  return new Date(Number(ms)).toISOString().slice(0, 10);
}

/** Whether the printed expiry is the batch's (nothing to compare counts as a match). */
export function expiryMatches(printed: string | undefined, onChain: string | undefined): boolean {
  return printed === undefined || onChain === undefined || printed === onChain;
}

/** The LM / VRS response code for a verdict, with the LM failure reason of a non-match. */
export function responseCode(verdict: string, expiryMatch: boolean): { code: string; reason?: string } {
  switch (verdict) {
    case 'Genuine':
    case 'Returning':
      return expiryMatch ? { code: 'VERIFIED' } : { code: 'NO_MATCH', reason: 'No_match_GTIN_Serial_Lot_Expiry' };
    case 'UnknownProduct':
      return { code: 'NO_MATCH', reason: 'No_match_GTIN' };
    case 'UnknownSerial':
      return { code: 'NO_MATCH', reason: 'No_match_GTIN_Serial' };
    case 'UnknownLot':
      return { code: 'NO_MATCH', reason: 'No_match_GTIN_Serial_Lot' };
    case 'Recalled':
      return { code: 'RECALLED' };
    case 'Expired':
      return { code: 'EXPIRED' };
    case 'Suspect':
    case 'Quarantined':
    case 'Dispensed':
    case 'Destroyed':
      return { code: 'SUSPECT' };
    default:
      throw new Error(`unknown verdict ${verdict}`);
  }
}

/** What a pharmacist is told for each verdict. */
export const VERDICT_WORDS: Record<string, string> = {
  Genuine: 'Genuine: this pack may be dispensed.',
  UnknownProduct: 'Unknown product: no manufacturer registered this GTIN. Do not dispense.',
  UnknownLot: 'Wrong lot: this GTIN has no such lot. Do not dispense; report a suspect pack.',
  UnknownSerial: 'Unknown serial: the lot has no such serial number. Do not dispense; report a suspect pack.',
  Suspect: 'Suspect: this serial was already flagged (for example dispensed twice). Do not dispense.',
  Recalled: 'Recalled: the batch was recalled. Do not dispense; quarantine the pack.',
  Quarantined: 'Quarantined: the batch is on hold. Do not dispense until it is cleared.',
  Expired: 'Expired: the batch is past its expiry date. Do not dispense.',
  Dispensed: 'Already dispensed: this serial was dispensed before. Do not dispense; report a suspect pack.',
  Destroyed: 'Destroyed: this serial was decommissioned. Do not dispense; report a suspect pack.',
  Returning: 'In a return: this pack is on its way back to its supplier. Do not dispense.',
};

export const EXPIRY_MISMATCH_WORDS = 'Suspect: the printed expiry is not the batch\'s expiry. Do not dispense.';

export function verdictWords(verdict: string): string {
  return VERDICT_WORDS[verdict] ?? `Unknown verdict ${verdict}.`;
}
