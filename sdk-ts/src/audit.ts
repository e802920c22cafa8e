// The audit chain verified in TypeScript, independently of the Rust verifier: entries read from
// the audit log's storage, each entry's preimage SCALE-encoded with this client's codec (from the
// contract's metadata), SHA-256 from WebCrypto. Also "who touched my data". (FHIR AuditEvent
// is the Rust SDK's and the command line's: `carechain fhir audit`.)

import type { TypinkRegistry } from 'dedot/contracts';
import type { CarechainCommonAuditAuditEntry } from './generated/audit-log/index.js';
import type { CareChain } from './suite.js';


export type AuditEntry = CarechainCommonAuditAuditEntry;

/** Most entries one append may carry (the contract's `MAX_AUDIT_BATCH`). */
export const MAX_AUDIT_BATCH = 16;

const toHex = (bytes: Uint8Array) => '0x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/^0x/, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}

/** The type id of `carechain_common::audit::AuditEntry` in a contract's metadata. */
export function auditEntryTypeId(metadata: any): number {
  const entry = (metadata?.types ?? []).find(
    (t: any) => (t.type?.path ?? []).join('::') === 'carechain_common::audit::AuditEntry',
  );
  if (!entry) throw new Error('the metadata has no AuditEntry type');
  return entry.id;
}

/** An entry's hash preimage: its SCALE encoding without the trailing 32-byte hash field (the
 *  hash covers every other field, in declaration order). */
export function preimage(registry: TypinkRegistry, entry: AuditEntry): Uint8Array {
  const codec = registry.findCodec<AuditEntry>(auditEntryTypeId(registry.metadata));
  const encoded = codec.tryEncode(entry);
  return encoded.slice(0, encoded.length - 32);
}

/** Every entry of the log, in order (each append is one stored chunk). */
export async function fetchAll(suite: CareChain): Promise<{ entries: AuditEntry[]; head: string; count: bigint }> {
  const root = await suite.auditLog.storage.root();
  const lazy = suite.auditLog.storage.lazy();
  const entries: AuditEntry[] = [];
  let next = 0n;
  while (next < root.count) {
    const chunk = await lazy.chunks.get(next);
    if (!chunk || chunk.length === 0) throw new Error(`the log has no chunk at entry ${next}`);
    entries.push(...chunk);
    next += BigInt(chunk.length);
  }
  return { entries, head: String(root.head), count: root.count };
}

export type ChainCheck =
  | { ok: true; entries: number; head: string }
  | { ok: false; seq: bigint; problem: string };

/** Recompute every hash and link from genesis, and compare with the stored head and count. */
export async function verifyEntries(
  registry: TypinkRegistry,
  entries: AuditEntry[],
  head: string,
  count: bigint,
): Promise<ChainCheck> {
  let previous = toHex(new Uint8Array(32));
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.seq !== BigInt(i)) return { ok: false, seq: BigInt(i), problem: 'an entry is missing or out of order' };
    if (String(entry.prevHash).toLowerCase() !== previous) {
      return { ok: false, seq: entry.seq, problem: 'does not link to the previous entry' };
    }
    const hash = toHex(await sha256(preimage(registry, entry)));
    if (hash !== String(entry.hash).toLowerCase()) {
      return { ok: false, seq: entry.seq, problem: 'its hash does not match its contents' };
    }
    previous = hash;
  }
  if (BigInt(entries.length) !== count) return { ok: false, seq: BigInt(entries.length), problem: 'entries are missing at the end' };
  if (previous !== head.toLowerCase()) return { ok: false, seq: count, problem: 'the last hash is not the stored head' };
  return { ok: true, entries: entries.length, head };
}

/** Fetch and verify the whole chain. */
export async function verifyChain(suite: CareChain): Promise<ChainCheck> {
  const { entries, head, count } = await fetchAll(suite);
  return verifyEntries(suite.auditLog.registry, entries, head, count);
}

/** A patient's trail ("who touched my data"), newest first. */
export function patientTrail(entries: AuditEntry[], patientId: string): AuditEntry[] {
  const id = patientId.toLowerCase();
  return entries.filter((e) => String(e.record.patient ?? '').toLowerCase() === id).reverse();
}

/** Decode a stored chunk's SCALE bytes (a `Vec<AuditEntry>`) with the client's codec. */
export function decodeChunk(registry: TypinkRegistry, scale: Uint8Array): AuditEntry[] {
  const codec = registry.findCodec<AuditEntry>(auditEntryTypeId(registry.metadata));
  const out: AuditEntry[] = [];
  // SCALE Vec: a compact length prefix, then the entries.
  const first = scale[0];
  const mode = first & 3;
  let length: number;
  let at: number;
  if (mode === 0) [length, at] = [first >> 2, 1];
  else if (mode === 1) [length, at] = [(first | (scale[1] << 8)) >> 2, 2];
  else if (mode === 2) [length, at] = [(first | (scale[1] << 8) | (scale[2] << 16) | (scale[3] << 24)) >>> 2, 4];
  else throw new Error('chunk too long');
  let rest = scale.slice(at);
  for (let i = 0; i < length; i++) {
    const entry = codec.tryDecode(rest);
    out.push(entry);
    rest = rest.slice(codec.tryEncode(entry).length);
  }
  return out;
}
