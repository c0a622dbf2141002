/** DSSE v1 envelope as serialised: payload and sig are STANDARD base64 with padding. */
export interface DsseSignature {
  /** Unauthenticated hint naming the key (ours: Chains' `SHA256:...` keyid). */
  keyid?: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
