import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypinkRegistry } from 'dedot/contracts';
import { decodeChunk, patientTrail, verifyEntries, type AuditEntry } from '../src/audit.js';
import { fixture, fromHex, metadata } from './helpers.js';

function load() {
  const registry = new TypinkRegistry(metadata('audit_log'));
  const doc = fixture('audit-chain.json');
  const entries: AuditEntry[] = doc.chunks.flatMap((c: any) => decodeChunk(registry, fromHex(c.scale)));
  return { registry, doc, entries };
}

test('a real audit chain verifies with the TypeScript verifier', async () => {
  const { registry, doc, entries } = load();
  assert.equal(BigInt(entries.length), BigInt(doc.count));
  const check = await verifyEntries(registry, entries, doc.head, BigInt(doc.count));
  assert.deepEqual(check, { ok: true, entries: entries.length, head: doc.head });
});

test('altering, dropping or reordering entries is detected', async () => {
  const { registry, doc, entries } = load();
  const count = BigInt(doc.count);
  const altered = entries.map((e) => ({ ...e }));
  altered[3] = { ...altered[3], block: altered[3].block + 1 };
  const a = await verifyEntries(registry, altered, doc.head, count);
  assert.equal(a.ok, false);
  assert.equal(!a.ok && a.seq, 3n);
  const dropped = await verifyEntries(registry, entries.slice(0, -1), doc.head, count);
  assert.equal(dropped.ok, false);
  const swapped = entries.slice();
  [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
  assert.equal((await verifyEntries(registry, swapped, doc.head, count)).ok, false);
  const wrongHead = await verifyEntries(registry, entries, '0x' + '00'.repeat(32), count);
  assert.equal(wrongHead.ok, false);
});

test('a patient trail comes from the entries, newest first', () => {
  const { entries } = load();
  const patient = String(entries.find((e) => e.record.patient)!.record.patient);
  const trail = patientTrail(entries, patient);
  assert.ok(trail.length >= 5);
  assert.ok(trail[0].seq > trail[trail.length - 1].seq, 'newest first');
  assert.ok(trail.every((e) => String(e.record.patient) === patient));
});
