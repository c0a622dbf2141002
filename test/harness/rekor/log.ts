import { createHash, generateKeyPairSync, randomInt, sign, type KeyObject } from 'node:crypto';
import { json } from '@sigstore/core';
import { leafHash, MerkleTree } from './merkle.ts';

/** One entry as Rekor v1 answers it (`LogEntryAnon`). */
export interface LogEntryAnon {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: {
    inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string };
    signedEntryTimestamp: string;
  };
}

interface Stored {
  body: Buffer;
  integratedTime: number;
  uuid: string;
}

/**
 * The log itself: an append-only RFC 6962 tree, a P-256 log key, SETs over
 * canonical `{body, integratedTime, logID, logIndex}`, and signed-note checkpoints whose
 * origin is `<name> - <treeID>` (Rekor's util.CreateAndSignCheckpoint).
 */
export class RekorLog {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Hex sha256 of the log key's SPKI DER, as Rekor's logID. */
  readonly logId: string;
  readonly treeId: string;
  readonly #tree = new MerkleTree();
  readonly #entries: Stored[] = [];
  readonly #byUuid = new Map<string, number>();
  #name = 'rekor.stand-in';

  constructor(key?: { privateKey: KeyObject; publicKey: KeyObject }) {
    const pair = key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.logId = createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    this.treeId = String(randomInt(1, 2 ** 47));
  }

  /** The checkpoint signer name (a verifier matches it against the log's URL: use host:port). */
  set name(name: string) {
    this.#name = name;
  }

  get size(): number {
    return this.#tree.size;
  }

  /** 80 hex characters: tree ID (16) then the leaf hash, as Rekor's entry IDs. */
  entryId(uuid: string): string {
    return BigInt(this.treeId).toString(16).padStart(16, '0') + uuid;
  }

  /** Appends `body` unless an identical body is logged: `{index, existed}`. */
  add(body: Buffer, now = new Date()): { index: number; existed: boolean } {
    const uuid = leafHash(body).toString('hex');
    const known = this.#byUuid.get(uuid);
    if (known !== undefined) return { index: known, existed: true };
    const index = this.#tree.append(leafHash(body));
    this.#entries.push({ body, integratedTime: Math.floor(now.getTime() / 1000), uuid });
    this.#byUuid.set(uuid, index);
    return { index, existed: false };
  }

  /** Index of an entry by its 64-hex UUID or 80-hex entry ID. */
  indexOf(id: string): number | undefined {
    return this.#byUuid.get(id.length === 80 ? id.slice(16) : id);
  }

  uuidAt(index: number): string | undefined {
    return this.#entries[index]?.uuid;
  }

  /** The entry at `index` with a SET and an inclusion proof against the current tree. */
  entry(index: number): LogEntryAnon {
    const e = this.#entries[index];
    if (!e) throw new RangeError(`no entry ${index}`);
    const size = this.#tree.size;
    const root = this.#tree.root(size);
    const anon = { body: e.body.toString('base64'), integratedTime: e.integratedTime, logID: this.logId, logIndex: index };
    const set = sign('sha256', Buffer.from(json.canonicalize(anon)), this.privateKey).toString('base64');
    return {
      ...anon,
      verification: {
        inclusionProof: {
          logIndex: index, treeSize: size, rootHash: root.toString('hex'),
          hashes: this.#tree.inclusionProof(index, size).map((h) => h.toString('hex')),
          checkpoint: this.checkpoint(size),
        },
        signedEntryTimestamp: set,
      },
    };
  }

  /** A signed note: `<origin>\n<size>\n<b64 root>\n\n— <name> <b64(keyhint || sig)>\n`. */
  checkpoint(size = this.#tree.size): string {
    const note = `${this.#name} - ${this.treeId}\n${size}\n${this.#tree.root(size).toString('base64')}\n`;
    const sig = sign('sha256', Buffer.from(note), this.privateKey);
    const hint = Buffer.from(this.logId, 'hex').subarray(0, 4);
    return `${note}\n\u2014 ${this.#name} ${Buffer.concat([hint, sig]).toString('base64')}\n`;
  }
}
