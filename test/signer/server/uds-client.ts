import { request } from 'node:http';

/** A real HTTP/1.1 client over a Unix domain socket (what the interceptor uses). */
export function udsRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: string | Buffer,
  contentType = 'application/json',
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method, path, headers: { 'content-type': contentType } },
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

/** The fast form: the statement bytes as the body, answered with a summary. */
export function postRawStatement(socketPath: string, statement: Buffer, contentType = 'application/vnd.in-toto+json') {
  return udsRequest(socketPath, 'POST', '/v1/events', statement, contentType);
}
