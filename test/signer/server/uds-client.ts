import { request } from 'node:http';

/** A real HTTP/1.1 client over a Unix domain socket (what the interceptor uses). */
export function udsRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: string | Buffer,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method, path, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
          } catch (err) {
            reject(new Error(`non-JSON answer (${res.statusCode}): ${text.slice(0, 200)}`, { cause: err }));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function postStatement(socketPath: string, statement: Buffer) {
  return udsRequest(
    socketPath,
    'POST',
    '/v1/events',
    JSON.stringify({ payload: statement.toString('base64') }),
  );
}
