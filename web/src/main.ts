// The CareChain page: one file, no framework. It loads the contracts' metadata and the deployment
// manifests copied into public/ (scripts/prepare.mjs), connects to the node named by `?node=`
// (default ws://127.0.0.1:9944), and signs with a browser wallet (window.injectedWeb3) — or, for
// tests and local development, with a development key whose secret URI is handed to the page at
// run time (window.__CARECHAIN_DEV__ = [{ suri, name }], set by a test). No key is in the bundle.

import {
  CareChain,
  bitSet,
  chainNow,
  dateOfExpiry,
  expiryMatches,
  EXPIRY_MISMATCH_WORDS,
  grantStatus,
  patientStanding,
  responseCode,
  devIdentity,
  extensionIdentities,
  field,
  accountText,
  enumName,
  fetchAll,
  namesOf,
  parseDeployment,
  parseElementString,
  patientEmergencies,
  patientGrants,
  patientOf,
  patientTrail,
  verdictWords,
  verifyEntries,
  vault,
  CareChainError,
  CONTRACT_NAMES,
  type Deployment,
  type Identity,
  type Metadata,
  type Stage,
} from '../../sdk-ts/src/index.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let suite: CareChain;
let identities: Identity[] = [];

function me(): Identity {
  const chosen = identities.find((i) => i.address === $<HTMLSelectElement>('account').value);
  if (!chosen) throw new Error('no account: install a polkadot{.js}-compatible wallet extension');
  return chosen;
}

function showError(e: unknown) {
  const text = e instanceof CareChainError ? e.sentence : e instanceof Error ? e.message : String(e);
  $('error').textContent = text;
  $('progress').textContent = '';
}

function progress(stage: Stage) {
  const words: Record<Stage, string> = {
    'dry-run': 'Checking the call…',
    signing: 'Waiting for your signature…',
    'in-block': 'In a block; waiting for finality…',
    finalized: 'Finalized.',
  };
  $('progress').textContent = words[stage];
}

async function run(action: () => Promise<void>) {
  $('error').textContent = '';
  try {
    await action();
  } catch (e) {
    showError(e);
  }
}

const shortAddress = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
const when = (ms: bigint) => new Date(Number(ms)).toLocaleString();

function options(select: HTMLSelectElement, names: readonly string[], chosen: string) {
  select.innerHTML = names.map((n) => `<option ${n === chosen ? 'selected' : ''}>${n}</option>`).join('');
}

// ------------------------------------------------------------------------------ patient

async function myPatient(): Promise<string | undefined> {
  return patientOf(suite, me().address);
}

async function renderPatient() {
  const patient = await myPatient();
  $('patient-status').textContent = patient ? `Your patient id: ${patient}` : 'You are not registered as a patient.';
  $('register').classList.toggle('hidden', Boolean(patient));
  $('grant-form').classList.toggle('hidden', !patient);
  const grants = patient ? await patientGrants(suite, patient) : [];
  const standing = patient ? await patientStanding(suite, patient) : undefined;
  const now = await chainNow(suite);
  $('grants').innerHTML = '';
  for (const g of grants) {
    // The shared rule: revocation, the recovery epoch (a recovery ends the lost key's grants)
    // and the window.
    const status = grantStatus(g, standing, now);
    const row = document.createElement('tr');
    const grantee = g.grantee.type === 'Anyone' ? 'anyone' : shortAddress(accountText(g.grantee.value));
    row.innerHTML = `<td>${g.id}</td><td>${grantee}</td><td>${namesOf(suite.vocab.categories, g.scope.categories).join(', ')}</td>
      <td>${namesOf(suite.vocab.purposes, g.scope.purposes).join(', ')}</td><td>${when(g.scope.validUntil)}</td>
      <td data-testid="grant-status">${status === 'active' ? `active (${enumName(g.effect).toLowerCase()})` : status}</td><td></td>`;
    if (status === 'active' || status === 'not yet valid') {
      const revoke = document.createElement('button');
      revoke.textContent = 'Revoke';
      revoke.dataset.testid = 'revoke';
      revoke.onclick = () =>
        run(async () => {
          await suite.send(suite.consent, 'revokeGrant', [g.id], me().sender, { onProgress: progress });
          await renderPatient();
        });
      row.lastElementChild!.append(revoke);
    }
    $('grants').append(row);
  }
  await renderTrail(patient);
  const sessions = patient ? await patientEmergencies(suite, patient) : [];
  $('emergencies').innerHTML = sessions
    .map((e) => `<li>#${e.id}: ${shortAddress(accountText(e.provider))}, ${enumName(e.reason)}, opened ${when(e.openedAt)}${e.closedAt !== undefined ? `, closed ${when(e.closedAt)}` : ''}</li>`)
    .join('') || '<li>none</li>';
}

async function renderTrail(patient: string | undefined) {
  $('trail').innerHTML = '';
  const badge = $('verified');
  badge.textContent = 'verifying…';
  badge.className = 'badge';
  const { entries, head, count } = await fetchAll(suite);
  const check = await verifyEntries(suite.auditLog.registry, entries, head, count);
  badge.textContent = check.ok ? `chain verified (${check.entries} entries)` : `chain broken at entry ${check.seq}: ${check.problem}`;
  badge.className = `badge ${check.ok ? 'ok' : 'bad'}`;
  if (!patient) return;
  for (const e of patientTrail(entries, patient)) {
    const outcome = enumName(e.record.outcome);
    const detail = outcome === 'Denied' ? `denied: ${enumName((e.record.outcome as any).value)}` : outcome === 'Granted' ? 'granted' : 'done';
    const row = document.createElement('tr');
    row.dataset.testid = 'trail-row';
    row.innerHTML = `<td>${e.seq}</td><td>${when(e.recordedAt)}</td><td>${enumName(e.record.action)}</td>
      <td>${shortAddress(accountText(e.record.actor))}</td><td>${e.record.purpose ? enumName(e.record.purpose) : ''}</td>
      <td class="${outcome === 'Denied' ? 'denied' : 'granted'}">${detail}</td>`;
    $('trail').append(row);
  }
}

async function register() {
  const id = crypto.getRandomValues(new Uint8Array(32));
  // The page does not keep the patient's encryption secret: the patient's record client does.
  const key = vault.publicKey(vault.generateSecret());
  const hex = (b: Uint8Array) => `0x${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}` as const;
  await suite.send(suite.registry, 'registerPatient', [hex(id), hex(key)], me().sender, { onProgress: progress });
  await renderPatient();
}

async function grant(event: Event) {
  event.preventDefault();
  const patient = await myPatient();
  if (!patient) throw new Error('register first');
  const now = await chainNow(suite);
  const days = BigInt(Math.max(1, Number($<HTMLInputElement>('days').value)));
  const scope = {
    categories: bitSet(suite.vocab.categories, [$<HTMLSelectElement>('category').value]),
    purposes: bitSet(suite.vocab.purposes, [$<HTMLSelectElement>('purpose').value]),
    validFrom: now,
    validUntil: now + days * 86_400_000n,
  };
  const grantee = { type: 'Account' as const, value: $<HTMLInputElement>('grantee').value.trim() };
  await suite.send(suite.consent, 'createGrant', [patient as `0x${string}`, grantee, scope, 'Permit'], me().sender, { onProgress: progress });
  await renderPatient();
}

// ------------------------------------------------------------------------------ provider

async function check(event: Event) {
  event.preventDefault();
  const patient = $<HTMLInputElement>('check-patient').value.trim();
  const sent = await suite.send(
    suite.access,
    'checkAccess',
    [patient as `0x${string}`, $<HTMLSelectElement>('check-category').value as any, $<HTMLSelectElement>('check-purpose').value as any],
    me().sender,
    { onProgress: progress },
  );
  const outcome: any = (sent.value as any).outcome;
  const logged = sent.events.find((e) => e.contract === 'audit_log' && e.name.endsWith('Appended'));
  const entry = logged ? ` (audit entry #${logged.data.first})` : '';
  $('check-result').innerHTML =
    enumName(outcome) === 'Granted'
      ? `<span class="granted">granted</span> on ${enumName(outcome.value)}${entry}`
      : `<span class="denied">denied</span>: ${enumName(outcome.value)}${entry}`;
}

// ------------------------------------------------------------------------------ pharmacy

async function verify(event: Event) {
  event.preventDefault();
  const pack = parseElementString($<HTMLInputElement>('barcode').value);
  const lot = '0x' + Array.from(new TextEncoder().encode(pack.lot), (b) => b.toString(16).padStart(2, '0')).join('');
  const result = await suite.query(suite.provenance, 'verify', [BigInt(pack.gtin), lot as `0x${string}`, BigInt(pack.serial)], me().address);
  const verdict = enumName(result.verdict);
  // The shared rule (the command line's too): the printed expiry must be the batch's.
  const matches = expiryMatches(pack.expiry, result.expiry === undefined ? undefined : dateOfExpiry(result.expiry));
  const { code } = responseCode(verdict, matches);
  $('verdict').textContent = `${code}: ${matches ? verdictWords(verdict) : EXPIRY_MISMATCH_WORDS}`;
}

// ------------------------------------------------------------------------------ insurer

async function renderClaims() {
  const root: any = await suite.claims.storage.root();
  const lazy: any = suite.claims.storage.lazy();
  $('claims').innerHTML = '';
  const count = field<bigint>(root, 'claimCount');
  for (let id = 0n; id < count; id++) {
    const claim: any = await lazy.claims.get(id);
    if (!claim || accountText(claim.insurer) !== me().address) continue;
    const billed = claim.lines.reduce((sum: bigint, l: any) => sum + BigInt(l.billed), 0n);
    const row = document.createElement('tr');
    row.dataset.testid = 'claim-row';
    row.innerHTML = `<td>${claim.id}</td><td>${shortAddress(accountText(claim.provider))}</td><td>${billed}</td><td data-testid="claim-approved">${claim.approved}</td><td data-testid="claim-status">${enumName(claim.status)}</td><td></td>`;
    const status = enumName(claim.status);
    const act = (label: string, send: () => Promise<unknown>) => {
      const b = document.createElement('button');
      b.textContent = label;
      b.onclick = () =>
        run(async () => {
          await send();
          await renderClaims();
        });
      row.lastElementChild!.append(b);
    };
    const options = { onProgress: progress };
    if (['Submitted', 'Pended', 'Appealed'].includes(status)) {
      const approve = claim.lines.map((l: any) => ({ type: 'Approve' as const, value: BigInt(l.billed) }));
      const deny = claim.lines.map(() => ({ type: 'Deny' as const, value: 'NonCovered' as const }));
      act('Approve as billed', () => suite.send(suite.claims, 'adjudicate', [claim.id, approve], me().sender, options));
      act('Deny (not covered)', () => suite.send(suite.claims, 'adjudicate', [claim.id, deny], me().sender, options));
    }
    if (['Approved', 'PartiallyApproved'].includes(status)) act('Settle', () => suite.send(suite.claims, 'settle', [claim.id], me().sender, options));
    $('claims').append(row);
  }
}

// ------------------------------------------------------------------------------ start

async function start() {
  const node = new URLSearchParams(location.search).get('node') ?? 'ws://127.0.0.1:9944';
  const metadata = Object.fromEntries(
    await Promise.all(CONTRACT_NAMES.map(async (c) => [c, await (await fetch(`/metadata/${c}.json`)).json()])),
  ) as Metadata;
  const files: string[] = await (await fetch('/deployments/index.json')).json();
  const deployments: Deployment[] = [];
  for (const file of files) {
    try {
      deployments.push(parseDeployment(await (await fetch(`/deployments/${file}`)).json()));
    } catch {
      // partial or foreign manifests are skipped
    }
  }
  suite = await CareChain.connectMatching(node, deployments, metadata);
  $('connection').textContent = `${suite.deployment.chain} at ${node}`;
  const dev = (globalThis as any).__CARECHAIN_DEV__ as { suri: string; name: string }[] | undefined;
  identities = [
    ...(await extensionIdentities('CareChain')),
    ...(dev ? await Promise.all(dev.map((d) => devIdentity(d.suri, `${d.name} (development key)`))) : []),
  ];
  $<HTMLSelectElement>('account').innerHTML = identities.map((i) => `<option value="${i.address}">${i.name}</option>`).join('');
  options($<HTMLSelectElement>('category'), suite.vocab.categories, 'Laboratory');
  options($<HTMLSelectElement>('check-category'), suite.vocab.categories, 'Laboratory');
  options($<HTMLSelectElement>('purpose'), suite.vocab.purposes, 'Treatment');
  options($<HTMLSelectElement>('check-purpose'), suite.vocab.purposes, 'Treatment');
  $('register').onclick = () => run(register);
  $('grant-form').onsubmit = (e) => run(() => grant(e));
  $('check-form').onsubmit = (e) => run(() => check(e));
  $('verify-form').onsubmit = (e) => run(() => verify(e));
  $('account').onchange = () => run(renderPatient);
  for (const button of document.querySelectorAll<HTMLButtonElement>('nav button')) {
    button.onclick = () =>
      run(async () => {
        for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b === button);
        for (const v of document.querySelectorAll('.view')) v.classList.toggle('hidden', v.id !== button.dataset.view);
        if (button.dataset.view === 'insurer') await renderClaims();
        if (button.dataset.view === 'patient') await renderPatient();
      });
  }
  document.body.dataset.ready = 'true';
  if (identities.length) await renderPatient();
}

run(start);
