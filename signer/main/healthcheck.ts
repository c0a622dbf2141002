#!/usr/bin/env node
// Exec probe of the signer container: GET /v1/healthz on the signing socket; exit 0 when 200.
// With --live (the liveness probe of the HA set-up) any answer will do: a signer whose store
// is unreachable is not ready, but restarting it would not bring the database back.
import { request } from 'node:http';
import { signerSocketPath } from '../server/index.ts';

const req = request(
  { socketPath: signerSocketPath(process.env), path: '/v1/healthz', timeout: 3000 },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 || process.argv.includes('--live') ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
req.end();
