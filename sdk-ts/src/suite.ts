// The deployed suite: one typed `Contract` per contract of the deployment, and `send`, which
// dry-runs every transaction first, refuses to send one the dry run answers `Err` to (a typed
// `CareChainError` with a sentence instead), sends it with the dry run's gas and deposit, reports
// progress (in block, finalized) and returns the answer the included transaction gave, read from
// its events (answers.ts: the dry run's answer is only a prediction), with the events of every
// suite contract in it (an access check yields the access contract's decision and the audit log's
// `Appended` entry).

import { DedotClient, WsProvider } from 'dedot';
import { Contract } from 'dedot/contracts';
import type { GenericContractApi } from 'dedot/contracts';
import type { InjectedSigner, IKeyringPair } from 'dedot/types';
import { decodeAddress } from 'dedot/utils';
import type { AccessContractApi } from './generated/access/index.js';
import type { AuditLogContractApi } from './generated/audit-log/index.js';
import type { ClaimsContractApi } from './generated/claims/index.js';
import type { ConsentContractApi } from './generated/consent/index.js';
import type { CredentialsContractApi } from './generated/credentials/index.js';
import type { ProvenanceContractApi } from './generated/provenance/index.js';
import type { RegistryContractApi } from './generated/registry/index.js';
import { CONTRACT_NAMES, type ContractName, type Deployment } from './deployment.js';
import { answerFromEvents } from './answers.js';
import { CareChainError, dispatchError, errorDocs, toError, type ErrorValue } from './errors.js';
import { vocabularyOf, type Vocabulary } from './vocab.js';

/** Who signs: a key pair (tests, scripts) or an address with a browser wallet's signer. */
export type Sender = IKeyringPair | { address: string; signer: InjectedSigner };

export type Stage = 'dry-run' | 'signing' | 'in-block' | 'finalized';

export interface SuiteEvent {
  contract: ContractName;
  name: string;
  data: any;
}

export interface Sent<T> {
  value: T;
  events: SuiteEvent[];
  blockHash: string;
}

/** `Ok(T)` of a `Result`, or `T` itself. */
export type OkOf<R> = R extends { isOk: true; value: infer V } ? V : R extends { isOk: boolean } ? never : R;

type QueryData<Api extends GenericContractApi, M extends keyof Api['query']> = Awaited<
  ReturnType<Api['query'][M]>
>['data'];

/** A message's arguments as the generated API declares them, without the trailing call options:
 *  `send(suite.consent, 'revokeGrant', [id], …)` does not compile with a wrong argument. */
export type ArgsOf<F> = F extends (...args: infer P) => any ? (Required<P> extends [...infer A, unknown] ? A : never) : never;

/** The arguments of message `M` of a contract API. */
export type MessageArgs<Api extends GenericContractApi, M extends keyof Api['query']> = ArgsOf<Api['query'][M]>;

export type Metadata = Record<ContractName, unknown>;

function addressOf(sender: Sender): string {
  return 'signer' in sender && !('sign' in sender) ? sender.address : (sender as IKeyringPair).address;
}

function sameAccount(a: string, b: string): boolean {
  try {
    return decodeAddress(a).join() === decodeAddress(b).join();
  } catch {
    return false;
  }
}

export class CareChain {
  readonly auditLog: Contract<AuditLogContractApi>;
  readonly access: Contract<AccessContractApi>;
  readonly registry: Contract<RegistryContractApi>;
  readonly consent: Contract<ConsentContractApi>;
  readonly provenance: Contract<ProvenanceContractApi>;
  readonly claims: Contract<ClaimsContractApi>;
  readonly credentials: Contract<CredentialsContractApi>;
  /** Data categories, purposes, service categories (from the metadata) and roles, in bit order. */
  readonly vocab: Vocabulary;
  private readonly docs: Map<string, string>;
  private readonly byName: Record<ContractName, Contract<any>>;

  private constructor(
    readonly client: DedotClient,
    readonly deployment: Deployment,
    readonly metadata: Metadata,
  ) {
    const make = <Api extends GenericContractApi>(name: ContractName) =>
      new Contract<Api>(client, metadata[name] as any, deployment.contracts[name].address);
    this.auditLog = make<AuditLogContractApi>('audit_log');
    this.access = make<AccessContractApi>('access');
    this.registry = make<RegistryContractApi>('registry');
    this.consent = make<ConsentContractApi>('consent');
    this.provenance = make<ProvenanceContractApi>('provenance');
    this.claims = make<ClaimsContractApi>('claims');
    this.credentials = make<CredentialsContractApi>('credentials');
    this.byName = {
      audit_log: this.auditLog,
      access: this.access,
      registry: this.registry,
      consent: this.consent,
      provenance: this.provenance,
      claims: this.claims,
      credentials: this.credentials,
    };
    this.docs = errorDocs();
    this.vocab = vocabularyOf(metadata);
  }

  /** Connect to a node (substrate-contracts-node speaks the legacy JSON-RPC). The deployment's
   *  genesis must be the node's. */
  static async connect(url: string, deployment: Deployment, metadata: Metadata): Promise<CareChain> {
    const client = await DedotClient.legacy(new WsProvider(url));
    const genesis = String(client.genesisHash);
    if (genesis.toLowerCase() !== deployment.genesis.toLowerCase()) {
      await client.disconnect();
      throw new Error(`the deployment is for chain ${deployment.genesis}, the node at ${url} is ${genesis}`);
    }
    return new CareChain(client, deployment, metadata);
  }

  /** Connect to a node and use the deployment (of several) recorded for its chain. */
  static async connectMatching(url: string, deployments: Deployment[], metadata: Metadata): Promise<CareChain> {
    const client = await DedotClient.legacy(new WsProvider(url));
    const genesis = String(client.genesisHash).toLowerCase();
    const deployment = deployments.find((d) => d.genesis.toLowerCase() === genesis);
    if (!deployment) {
      await client.disconnect();
      throw new Error(`no CareChain deployment is recorded for the chain at ${url} (genesis ${genesis}): run scripts/deploy.sh`);
    }
    return new CareChain(client, deployment, metadata);
  }

  contract(name: ContractName): Contract<any> {
    return this.byName[name];
  }

  /** The name of one of this suite's contracts. */
  nameOf(contract: Contract<any>): ContractName {
    const name = CONTRACT_NAMES.find((n) => this.byName[n] === contract);
    if (!name) throw new Error('not a contract of this suite');
    return name;
  }

  async disconnect(): Promise<void> {
    await this.client.disconnect();
  }

  /** The typed error of an `Err` answer. */
  error(value: ErrorValue): CareChainError {
    return toError(value, this.docs);
  }

  /** A read (dry run) of any message, its `Result` unwrapped: `Err` throws a `CareChainError`. */
  async query<Api extends GenericContractApi, M extends keyof Api['query'] & string>(
    contract: Contract<Api>,
    message: M,
    args: MessageArgs<Api, M>,
    caller: string,
  ): Promise<OkOf<QueryData<Api, M>>> {
    const call = (contract.query as any)[message];
    const result = await call(...(args as unknown[]), { caller });
    return this.unwrap(result) as OkOf<QueryData<Api, M>>;
  }

  private unwrap(result: any): unknown {
    const rawResult = result?.raw?.result;
    if (rawResult?.isErr) {
      const err = rawResult.err;
      const name = err?.type === 'Module' ? this.moduleError(err.value) : String(err?.type ?? 'DispatchError');
      throw dispatchError(name);
    }
    const data = result.data;
    if (data && typeof data === 'object' && 'isErr' in data) {
      if (data.isErr) throw this.error(data.err as ErrorValue);
      return data.value;
    }
    return data;
  }

  private moduleError(value: { index: number; error: string | Uint8Array }): string {
    try {
      const metadata: any = (this.client as any).metadata?.latest;
      const pallet = metadata?.pallets?.find((p: any) => p.index === value.index);
      const errorIndex = typeof value.error === 'string' ? parseInt(value.error.slice(2, 4), 16) : value.error[0];
      const errorType = pallet ? (this.client as any).registry.findType(pallet.error) : undefined;
      const variant = errorType?.typeDef?.value?.members?.find((m: any) => m.index === errorIndex);
      return variant?.name ?? `Module(${value.index}, ${errorIndex})`;
    } catch {
      return `Module(${value.index})`;
    }
  }

  /** Dry-run, then (only if the dry run answers `Ok`) sign, send and wait for finality; the
   *  answer is the included transaction's (from its events), not the dry run's. */
  async send<Api extends GenericContractApi, M extends keyof Api['tx'] & keyof Api['query'] & string>(
    contract: Contract<Api>,
    message: M,
    args: MessageArgs<Api, M>,
    sender: Sender,
    options: { value?: bigint; onProgress?: (stage: Stage, detail?: string) => void } = {},
  ): Promise<Sent<OkOf<QueryData<Api, M>>>> {
    const progress = options.onProgress ?? (() => {});
    const caller = addressOf(sender);
    progress('dry-run');
    const dry = await (contract.query as any)[message](...(args as unknown[]), { caller, value: options.value });
    const value = this.unwrap(dry) as OkOf<QueryData<Api, M>>;
    if (dry.flags?.revert) throw new CareChainError('Reverted', 'the contract reverted the call');
    const deposit = dry.raw.storageDeposit;
    const txOptions = {
      value: options.value,
      gasLimit: {
        refTime: (dry.raw.gasRequired.refTime * 12n) / 10n,
        proofSize: (dry.raw.gasRequired.proofSize * 12n) / 10n,
      },
      storageDepositLimit: deposit?.type === 'Charge' ? (deposit.value * 12n) / 10n + 1n : undefined,
    };
    progress('signing');
    const tx = (contract.tx as any)[message](...(args as unknown[]), txOptions);
    const signing = 'sign' in sender ? [sender] : [sender.address, { signer: sender.signer }];
    return await new Promise<Sent<OkOf<QueryData<Api, M>>>>((resolve, reject) => {
      let done = false;
      tx.signAndSend(...signing, (result: any) => {
        if (done) return;
        const status = result.status;
        if (status.type === 'BestChainBlockIncluded') progress('in-block', status.value.blockHash);
        if (status.type === 'Invalid' || status.type === 'Drop') {
          done = true;
          reject(new CareChainError('TxRejected', `the node rejected the transaction (${status.type})`));
        }
        if (status.type === 'Finalized') {
          done = true;
          progress('finalized', status.value.blockHash);
          if (result.dispatchError) {
            const err = result.dispatchError;
            const name = err.type === 'Module' ? this.moduleError(err.value) : String(err.type);
            reject(dispatchError(name));
            return;
          }
          const events = this.decodeEvents(result.events);
          try {
            const answer = answerFromEvents(this.nameOf(contract), message, events, value, (name) => this.deployment.contracts[name].address, (account, address) => sameAccount(String((account as any)?.address?.() ?? account), address));
            resolve({ value: answer as OkOf<QueryData<Api, M>>, events, blockHash: status.value.blockHash });
          } catch (e) {
            reject(e);
          }
        }
      }).catch((e: unknown) => {
        if (!done) {
          done = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  /** The suite contracts' events among a block's event records, decoded. */
  decodeEvents(records: any[]): SuiteEvent[] {
    const found: SuiteEvent[] = [];
    for (const record of records ?? []) {
      const event = record.event;
      if (event?.pallet !== 'Contracts' || event?.palletEvent?.name !== 'ContractEmitted') continue;
      const emitter = String(event.palletEvent.data?.contract?.address?.() ?? event.palletEvent.data?.contract);
      for (const name of CONTRACT_NAMES) {
        if (!sameAccount(emitter, this.deployment.contracts[name].address)) continue;
        try {
          const decoded: any = this.byName[name].decodeEvent(record);
          found.push({ contract: name, name: decoded.name, data: decoded.data });
        } catch {
          // An event this client's metadata does not know: skip it.
        }
      }
    }
    return found;
  }
}
