import { isProvenanceError } from '../../signer/errors.ts';
import { RegistryClient } from '../../signer/storage/oci/client.ts';
import type { CredentialMap } from '../../signer/storage/oci/credentials.ts';
import type { TransportOptions } from '../../signer/storage/oci/transport.ts';
import { admissionError, fromStorageCode } from '../errors.ts';
import type { ImageRef } from './image-ref.ts';

export interface DigestResolver {
  /** The digest the registry serves for the ref's tag (`latest` when none) right now. */
  resolve(ref: ImageRef, credentials: CredentialMap | undefined): Promise<string>;
}

/** Asks the image's registry (HEAD-like GET of the manifest) with the pod's pull credentials. */
export class RegistryDigestResolver implements DigestResolver {
  readonly #opts: { insecure: boolean; transport: TransportOptions };

  constructor(opts: { insecure: boolean; transport: TransportOptions }) {
    this.#opts = opts;
  }

  async resolve(ref: ImageRef, credentials: CredentialMap | undefined): Promise<string> {
    if (ref.digest) return ref.digest;
    const c = credentials?.get(ref.repo.registry);
    const client = new RegistryClient(ref.repo.registry, { insecure: this.#opts.insecure, transport: this.#opts.transport, ...(c ? { credentials: c } : {}) });
    let manifest;
    try {
      manifest = await client.getManifest(ref.repo.repository, ref.tag ?? 'latest');
    } catch (err) {
      if (!isProvenanceError(err)) throw err;
      throw admissionError(fromStorageCode(err.code), `cannot resolve ${ref.written} to a digest: ${err.message}`, err);
    }
    if (!manifest) throw admissionError('IMAGE_NOT_FOUND', `image ${ref.written} was not found in its registry`);
    return manifest.digest;
  }
}
