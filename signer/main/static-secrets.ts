import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ProvenanceError } from '../errors.ts';

/**
 * Webhook secrets for no-cluster mode (`serve --secrets FILE`), JSON or YAML, either flat
 * `{"<secretName>/<secretKey>": "value"}` or nested like a Secret's data
 * `{"<secretName>": {"<secretKey>": "value"}}`. Values are never printed.
 */
export function loadStaticSecrets(path: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'), { maxAliasCount: 10 });
  } catch (err) {
    throw new ProvenanceError('INVALID_SECRETS_FILE', `--secrets ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ProvenanceError('INVALID_SECRETS_FILE', `--secrets ${path} must hold a map of secret names`);
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value === 'string' && name.includes('/')) out[name] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw badEntry(path, `${name}/${key}`);
        out[`${name}/${key}`] = v;
      }
    } else throw badEntry(path, name);
  }
  return out;
}

function badEntry(path: string, name: string): ProvenanceError {
  return new ProvenanceError(
    'INVALID_SECRETS_FILE',
    `--secrets ${path}: entry "${name}" must be "<secretName>/<secretKey>": string or <secretName>: {<secretKey>: string}`,
  );
}
