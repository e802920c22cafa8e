import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vault from '../src/vault.js';
import { fixture, fromHex, root, toHex } from './helpers.js';

const text = new TextEncoder();

test('records round-trip and bind their id and version', () => {
  const { blob, key } = vault.seal(7n, 1, text.encode('potassium 4.1'));
  assert.equal(new TextDecoder().decode(vault.open(key, 7n, 1, blob)), 'potassium 4.1');
  assert.throws(() => vault.open(key, 8n, 1, blob), /commits to/);
  assert.throws(() => vault.open(key, 7n, 2, blob), /commits to/);
  const tamperedBody = blob.slice();
  tamperedBody[70] ^= 1;
  assert.throws(() => vault.open(key, 7n, 1, tamperedBody), /another record/);
  const altered = blob.slice();
  altered[30] ^= 1;
  assert.throws(() => vault.openAnchored(key, 7n, 1, vault.contentHash(blob), altered), /hash/);
});

test('decryption is key-committing: a blob committed to one key does not open under another', () => {
  const a = new Uint8Array(32).fill(1);
  const b = new Uint8Array(32).fill(2);
  const underB = vault.sealWith(b, 9n, 1, text.encode('what the hospital is shown'));
  const forged = underB.slice();
  forged.set(vault.keyCommitment(a, 9n, 1), 4);
  assert.throws(() => vault.open(b, 9n, 1, forged), (e: any) => e.code === 'key-mismatch');
  assert.throws(() => vault.open(a, 9n, 1, forged), (e: any) => e.code === 'tampered');
  assert.throws(() => vault.open(a, 9n, 1, underB), (e: any) => e.code === 'key-mismatch');
  const v1 = new Uint8Array([...new TextEncoder().encode('CCV1'), ...underB.slice(36)]);
  assert.throws(() => vault.open(b, 9n, 1, v1), /retired/);
});

test('the committed key is found among spoiled wrapped keys', () => {
  const reader = vault.generateSecret();
  const { blob, key } = vault.seal(11n, 2, text.encode('MRI report'));
  const anchored = vault.contentHash(blob);
  const good = vault.wrap(key, vault.publicKey(reader), 11n, 2);
  const spoiled = vault.wrap(new Uint8Array(32).fill(7), vault.publicKey(reader), 11n, 2);
  const foreign = vault.wrap(key, vault.publicKey(vault.generateSecret()), 11n, 2);
  const all = new Uint8Array([...spoiled, ...foreign, ...good]);
  assert.equal(new TextDecoder().decode(vault.openCandidates(reader, all, 11n, 2, anchored, blob)), 'MRI report');
  assert.throws(() => vault.openCandidates(reader, spoiled, 11n, 2, anchored, blob), (e: any) => e.code === 'key-mismatch');
  assert.throws(() => vault.openCandidates(reader, foreign, 11n, 2, anchored, blob), (e: any) => e.code === 'wrong-key');
  assert.throws(() => vault.openCandidates(reader, all.slice(0, 100), 11n, 2, anchored, blob), (e: any) => e.code === 'malformed');
  assert.throws(() => vault.openCandidates(reader, all, 11n, 2, new Uint8Array(32), blob), (e: any) => e.code === 'hash-mismatch');
});

test('wrapped keys open only for their recipient', () => {
  const alice = vault.generateSecret();
  const bob = vault.generateSecret();
  const { key } = vault.seal(1n, 1, new Uint8Array(3));
  const wrapped = vault.wrap(key, vault.publicKey(alice), 1n, 1);
  assert.equal(wrapped.length, vault.WRAPPED_LEN);
  assert.deepEqual(vault.unwrap(alice, wrapped, 1n, 1), key);
  assert.throws(() => vault.unwrap(bob, wrapped, 1n, 1), /does not open/);
  assert.throws(() => vault.unwrap(alice, wrapped, 2n, 1), /does not open/);
});

test('the demo keys are the Rust demo keys', () => {
  const doc = fixture('rust-vectors.json');
  for (const [name, publicHex] of Object.entries(doc.demo_keys)) {
    assert.equal(toHex(vault.publicKey(vault.demoSecret(name))), publicHex, name);
  }
});

test('records sealed and wrapped by the Rust vault open here', () => {
  const doc = fixture('rust-vectors.json');
  const alice = vault.demoSecret('alice');
  for (const c of doc.cases) {
    const record = BigInt(c.record);
    const key = vault.unwrap(alice, fromHex(c.wrapped_for_alice), record, c.version);
    const plain = vault.openAnchored(key, record, c.version, fromHex(c.content_hash), fromHex(c.blob));
    assert.equal(new TextDecoder().decode(plain), c.plaintext);
  }
  assert.equal(vault.openLocator(alice, fromHex(doc.locator_for_alice.sealed)), doc.locator_for_alice.text);
});

test('records sealed here open here (and, committed, in the Rust tests)', () => {
  const cases = [
    { record: 11n, version: 1, plaintext: 'glucose 5.2 mmol/L', recipient: 'alice' },
    { record: 2n ** 64n - 2n, version: 3, plaintext: '', recipient: 'st-mary-hospital' },
  ].map((c) => {
    const { blob, key } = vault.seal(c.record, c.version, text.encode(c.plaintext));
    const wrapped = vault.wrap(key, vault.publicKey(vault.demoSecret(c.recipient)), c.record, c.version);
    const opened = vault.unwrap(vault.demoSecret(c.recipient), wrapped, c.record, c.version);
    assert.equal(new TextDecoder().decode(vault.open(opened, c.record, c.version, blob)), c.plaintext);
    return { ...c, record: c.record.toString(), blob: toHex(blob), content_hash: toHex(vault.contentHash(blob)), wrapped: toHex(wrapped) };
  });
  const locator = { recipient: 'alice', text: 'gateway=gw-ts;object=records/11/blob' };
  const sealed = vault.sealLocator(vault.publicKey(vault.demoSecret('alice')), locator.text);
  if (process.env.UPDATE_FIXTURES) {
    writeFileSync(
      join(root, 'test', 'fixtures', 'ts-vectors.json'),
      JSON.stringify({ cases, locator: { ...locator, sealed: toHex(sealed) } }, null, 2) + '\n',
    );
  }
  const committed = fixture('ts-vectors.json');
  assert.ok(committed.cases.length >= 2, 'committed TypeScript vectors exist');
});
