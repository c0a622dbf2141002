import { createHmac } from 'node:crypto';

/** The webhook secret the bench's static resolver serves. */
export const BENCH_SECRET = 'bench-webhook-secret';

/** A JSON webhook body of about `bytes` bytes (GitHub-like: nested objects, an array of commits). */
export function webhookBody(bytes: number): string {
  const commit = (i: number) => ({
    id: i.toString(16).padStart(40, '0'),
    message: `change ${i}: update the build pipeline and its tests`,
    author: { name: 'Dev Eloper', email: 'dev@example.com', username: 'dev' },
    added: [`src/file-${i}.ts`],
    modified: ['README.md'],
  });
  const base = { ref: 'refs/heads/main', repository: { full_name: 'org/repo', clone_url: 'https://github.com/org/repo.git' }, commits: [] as unknown[] };
  let text = JSON.stringify(base);
  for (let i = 0; text.length < bytes; i++) {
    base.commits.push(commit(i));
    if (i % 16 === 0 || text.length > bytes * 0.9) text = JSON.stringify(base);
  }
  return JSON.stringify(base);
}

/**
 * InterceptorRequest texts with one body and distinct event ids (the store keeps one record
 * per id, so a repeated id would be cheaper than a real event). Built by string splicing.
 */
export function requestFactory(body: string): (eventId: string) => string {
  const signature = `sha256=${createHmac('sha256', BENCH_SECRET).update(body).digest('hex')}`;
  const head = JSON.stringify({
    body,
    header: { 'Content-Type': ['application/json'], 'X-Github-Event': ['push'], 'X-Hub-Signature-256': [signature] },
    interceptor_params: { provider: 'github', secretRef: { secretName: 'bench', secretKey: 'secret' } },
  }).slice(0, -1);
  return (eventId) => `${head},"context":{"event_url":"/","event_id":"${eventId}","trigger_id":"namespaces/bench/triggers/push"}}`;
}
