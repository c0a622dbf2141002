// The Rekor stand-in of bench/event-transparency.ts, in its own process (as a real log is
// elsewhere): reports {url, publicKey PEM, size} over IPC and answers size probes.
import { RekorStandIn } from '../../test/harness/rekor/index.ts';

const rekor = await RekorStandIn.start({ maxBodyBytes: 1024 * 1024 });
const pem = rekor.log.publicKey.export({ type: 'spki', format: 'pem' }).toString();
process.send?.({ type: 'ready', url: rekor.url, publicKey: pem });
process.on('message', (m: { type?: string }) => {
  if (m.type === 'size') process.send?.({ type: 'size', size: rekor.log.size });
  if (m.type === 'stop') void rekor.close().then(() => process.exit(0));
});
