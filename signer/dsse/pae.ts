/** DSSE v1 pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  // Lengths are UTF-8 byte counts. One allocation: this runs on every sign and verify.
  const header = `DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `;
  const headerBytes = Buffer.byteLength(header);
  const out = Buffer.allocUnsafe(headerBytes + payload.length);
  out.write(header, 0, 'utf8');
  payload.copy(out, headerBytes);
  return out;
}
