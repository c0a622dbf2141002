// The Rekor stand-in of bench/event-transparency.ts, in its own process (as a real log is
// elsewhere): reports {url, publicKey PEM} over IPC, answers size probes, and on request runs a
// "shadow" load: the log's own per-entry work (Merkle tree, SET, checkpoint, proof) at a given
// rate without any client, so that runs without uploads carry the same log-side CPU.
import { randomBytes } from 'node:crypto';
import { RekorStandIn } from '../../test/harness/rekor/index.ts';

const rekor = await RekorStandIn.start({ maxBodyBytes: 1024 * 1024 });
const pem = rekor.log.publicKey.export({ type: 'spki', format: 'pem' }).toString();
let shadow: NodeJS.Timeout | undefined;
process.send?.({ type: 'ready', url: rekor.url, publicKey: pem });
process.on('message', (m: { type?: string; rate?: number }) => {
  if (m.type === 'size') process.send?.({ type: 'size', size: rekor.log.size });
  if (m.type === 'shadow') {
    clearInterval(shadow);
    if (m.rate) {
      shadow = setInterval(() => {
        const body = Buffer.from(JSON.stringify({ apiVersion: '0.0.1', kind: 'dsse', spec: { envelopeHash: { algorithm: 'sha256', value: randomBytes(32).toString('hex') }, payloadHash: { algorithm: 'sha256', value: randomBytes(32).toString('hex') }, signatures: [{ signature: randomBytes(72).toString('base64'), verifier: randomBytes(180).toString('base64') }] } }));
        rekor.log.entry(rekor.log.add(body).index);
      }, 1000 / m.rate);
    }
  }
  if (m.type === 'stop') void rekor.close().then(() => process.exit(0));
});
