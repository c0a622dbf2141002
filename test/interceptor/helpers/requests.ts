import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Webhook secrets used by the tests (the leak test greps every output for them). */
export const SECRETS = {
  github: 'gh-hmac-secret-Zq81vX',
  gitlab: 'gl-token-secret-Pw47kM',
  bitbucket: 'bb-hmac-secret-Yt62nR',
} as const;

export const SECRET_REFS = {
  github: { secretName: 'github-webhook', secretKey: 'secret' },
  gitlab: { secretName: 'gitlab-webhook', secretKey: 'token' },
  bitbucket: { secretName: 'bitbucket-webhook', secretKey: 'secret' },
} as const;

/** Static-resolver map for the secrets above ("<secretName>/<secretKey>" -> value). */
export const STATIC_SECRETS: Record<string, string> = Object.fromEntries(
  (['github', 'gitlab', 'bitbucket'] as const).map((p) => [`${SECRET_REFS[p].secretName}/${SECRET_REFS[p].secretKey}`, SECRETS[p]]),
);

const require = createRequire(import.meta.url);

/** A real GitHub payload from @octokit/webhooks-examples, serialised as GitHub sends it (pretty). */
export function githubPayload(event = 'push'): string {
  const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const all = JSON.parse(readFileSync(file, 'utf8')) as { name: string; examples: unknown[] }[];
  const example = all.find((e) => e.name === event)?.examples[0];
  if (example === undefined) throw new Error(`no example for ${event}`);
  return JSON.stringify(example, null, 2);
}

export const hmac = (algo: 'sha256' | 'sha1', secret: string, body: string) =>
  `${algo}=${createHmac(algo, secret).update(body, 'utf8').digest('hex')}`;

export interface RequestParts {
  body: string;
  header: Record<string, string[]>;
  interceptor_params: Record<string, unknown>;
  context?: { event_id: string; event_url: string; trigger_id: string };
  extensions?: Record<string, unknown>;
}

export function context(namespace = 'ci', trigger = 'on-push') {
  return { event_id: randomUUID(), event_url: '/', trigger_id: `namespaces/${namespace}/triggers/${trigger}` };
}

export function githubRequest(body = githubPayload(), secret: string = SECRETS.github): RequestParts {
  return {
    body,
    header: {
      'Content-Type': ['application/json'],
      'X-Github-Event': ['push'],
      'X-Github-Delivery': [randomUUID()],
      'X-Hub-Signature-256': [hmac('sha256', secret, body)],
      'X-Hub-Signature': [hmac('sha1', secret, body)],
      'User-Agent': ['GitHub-Hookshot/abc123'],
    },
    interceptor_params: { provider: 'github', secretRef: SECRET_REFS.github },
    context: context(),
  };
}

export function gitlabRequest(body = '{"object_kind":"push","ref":"refs/heads/main"}', token: string = SECRETS.gitlab): RequestParts {
  return {
    body,
    header: { 'Content-Type': ['application/json'], 'X-Gitlab-Event': ['Push Hook'], 'X-Gitlab-Token': [token] },
    interceptor_params: { provider: 'gitlab', secretRef: SECRET_REFS.gitlab },
    context: context(),
  };
}

export function bitbucketRequest(body = '{"eventKey":"repo:refs_changed","changes":[]}', secret: string = SECRETS.bitbucket): RequestParts {
  return {
    body,
    header: {
      'Content-Type': ['application/json'],
      'X-Event-Key': ['repo:refs_changed'],
      'X-Hub-Signature': [hmac('sha256', secret, body)],
      'X-Request-Id': [randomUUID()],
    },
    interceptor_params: { provider: 'bitbucket', secretRef: SECRET_REFS.bitbucket },
    context: context(),
  };
}
