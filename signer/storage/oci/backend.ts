import type { RunRef, SignedAttestation } from '../../attest/types.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../../dsse/envelope.ts';
import type { Subject } from '../../intoto/statement.ts';
import type { AttestationStorage, StoredLocation } from '../backend.ts';
import { storageError } from '../errors.ts';
import { RegistryClient } from './client.ts';
import type { CredentialMap } from './credentials.ts';
import { KeyedLock } from './locks.ts';
import { formatRepository, parseRepository, type RepositoryRef } from './reference.ts';
import type { TransportOptions } from './transport.ts';
import { writeAttLayer } from './write-att.ts';
import { subjectDescriptor, writeBundleReferrer } from './write-referrer.ts';

export interface OciStorageOptions {
  /** `storage.oci.repository`: one repository for every attestation instead of each image's own. */
  repository?: string;
  insecure: boolean;
  encoding: 'dsse' | 'sigstore-bundle';
  credentials?: CredentialMap;
  transport?: TransportOptions;
}

/** An image subject: a parseable repository name with a sha256 digest (artifacts are skipped). */
function imageSubjects(subjects: readonly Subject[]): Array<{ repo: RepositoryRef; digest: string }> {
  const out: Array<{ repo: RepositoryRef; digest: string }> = [];
  for (const s of subjects) {
    const hex = s.digest['sha256'];
    if (!hex || !/^[0-9a-f]{64}$/.test(hex)) continue;
    try {
      out.push({ repo: parseRepository(s.name), digest: `sha256:${hex}` });
    } catch {
      // not an image name (e.g. a package URL): the OCI backend has nowhere to put it
    }
  }
  return out;
}

/**
 * The `oci` backend: next to each image subject (or in `storage.oci.repository`), in
 * cosign's `.att` layout (`dsse`) or as a sigstore bundle referrer (`sigstore-bundle`).
 */
export class OciAttestationStorage implements AttestationStorage {
  readonly name = 'oci';
  readonly #opts: OciStorageOptions;
  readonly #target: RepositoryRef | undefined;
  readonly #clients = new Map<string, RegistryClient>();
  readonly #lock = new KeyedLock();

  constructor(opts: OciStorageOptions) {
    this.#opts = opts;
    this.#target = opts.repository ? parseRepository(opts.repository) : undefined;
  }

  client(registry: string): RegistryClient {
    let c = this.#clients.get(registry);
    if (!c) {
      const credentials = this.#opts.credentials?.get(registry);
      c = new RegistryClient(registry, { insecure: this.#opts.insecure, ...(credentials ? { credentials } : {}), ...(this.#opts.transport ? { transport: this.#opts.transport } : {}) });
      this.#clients.set(registry, c);
    }
    return c;
  }

  async store(run: RunRef, attestation: SignedAttestation): Promise<StoredLocation> {
    if (attestation.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      // cosign parses every layer of a .att image as an in-toto statement: keep others out.
      throw storageError('NOT_APPLICABLE', `the ${attestation.format} attestation is not an in-toto statement; the OCI layout holds only those`);
    }
    const images = imageSubjects(attestation.subjects);
    if (images.length === 0) {
      throw storageError('NO_IMAGE_SUBJECTS', `the ${attestation.format} attestation of ${run.namespace}/${run.name} has no image subject to store it next to`);
    }
    const runKey = `${run.uid}/${attestation.format}`;
    const locations: string[] = [];
    for (const image of images) {
      const target = this.#target ?? image.repo;
      const client = this.client(target.registry);
      const where = formatRepository(target);
      if (this.#opts.encoding === 'dsse') {
        const r = await this.#lock.run(`${where}@${image.digest}`, () => writeAttLayer(client, target.repository, image.digest, attestation, runKey));
        locations.push(`oci://${where}:${r.tag}#${r.layerDigest}`);
      } else {
        const subject = await subjectDescriptor(this.client(image.repo.registry), image.repo.repository, image.digest);
        const r = await this.#lock.run(`${where}@${image.digest}`, () => writeBundleReferrer(client, target.repository, subject, attestation, runKey));
        locations.push(`oci://${where}@${r.manifestDigest}`);
      }
    }
    return { backend: this.name, location: locations.join(',') };
  }
}
