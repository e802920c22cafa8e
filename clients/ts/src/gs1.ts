// The GS1 element string of a pack's 2D barcode (GS1 DataMatrix): (01) GTIN, (21) serial,
// (10) lot, (17) expiry YYMMDD — raw (FNC1 as the GS character, ASCII 29) or in the
// human-readable form with parentheses. And a verdict in words.

export interface Pack {
  gtin: string;
  serial: string;
  lot?: string;
  expiry?: string;
}

const GS = String.fromCharCode(29);
const FIXED: Record<string, number> = { '01': 14, '17': 6 };
const VARIABLE = new Set(['10', '21']);

/** The mod-10 check digit of a GTIN-14 is valid. */
export function gtinValid(gtin: string): boolean {
  if (!/^\d{14}$/.test(gtin)) return false;
  const digits = gtin.split('').map(Number);
  const sum = digits.slice(0, 13).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits[13];
}

export function parseElementString(input: string): Pack {
  const fields: Record<string, string> = {};
  const text = input.trim().replace(/^\]d2/, '');
  if (text.startsWith('(')) {
    for (const m of text.matchAll(/\((\d{2})\)([^(]*)/g)) fields[m[1]] = m[2].trim();
  } else {
    let i = 0;
    const raw = text.startsWith(GS) ? text.slice(1) : text;
    while (i < raw.length) {
      const ai = raw.slice(i, i + 2);
      i += 2;
      if (ai in FIXED) {
        fields[ai] = raw.slice(i, i + FIXED[ai]);
        i += FIXED[ai];
      } else if (VARIABLE.has(ai)) {
        const end = raw.indexOf(GS, i);
        fields[ai] = raw.slice(i, end < 0 ? raw.length : end);
        i = end < 0 ? raw.length : end + 1;
      } else {
        throw new Error(`unsupported application identifier (${ai})`);
      }
    }
  }
  const gtin = fields['01'];
  if (!gtin || !gtinValid(gtin)) throw new Error('the barcode has no valid GTIN (01)');
  if (!fields['21']) throw new Error('the barcode has no serial number (21)');
  if (fields['17'] !== undefined && !/^\d{6}$/.test(fields['17'])) throw new Error('the expiry (17) is not YYMMDD');
  return { gtin, serial: fields['21'], lot: fields['10'], expiry: fields['17'] };
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

export function verdictWords(verdict: string): string {
  return VERDICT_WORDS[verdict] ?? `Unknown verdict ${verdict}.`;
}
