import { CustomObjectsApi, makeInformer, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../../signer/server/logger.ts';
import { parseOrInvalid, POLICY_GROUP, POLICY_PLURAL, POLICY_VERSION } from './parse.ts';
import type { PolicySource } from './source.ts';
import type { AdmissionPolicy } from './types.ts';

const RESTART_DELAY_MS = 1000;

/**
 * The cluster's VerificationPolicies through a client-node informer (list + watch). Parsed
 * once per change, not per review; an invalid object is kept as a policy that denies what it
 * governs (and logged), so a typo never opens the gate.
 */
export class KubePolicySource implements PolicySource {
  readonly #informer;
  readonly #logger: Logger;
  readonly #namespace: string;
  #parsed = new Map<string, { key: string; policy: AdmissionPolicy }>();
  #snapshot: readonly AdmissionPolicy[] = [];
  #stopped = true;
  #restart: NodeJS.Timeout | undefined;

  constructor(kc: KubeConfig, opts: { namespace: string; logger: Logger }) {
    this.#logger = opts.logger;
    this.#namespace = opts.namespace;
    const api = kc.makeApiClient(CustomObjectsApi);
    const list = () => api.listClusterCustomObject({ group: POLICY_GROUP, version: POLICY_VERSION, plural: POLICY_PLURAL });
    this.#informer = makeInformer<KubernetesObject>(kc, `/apis/${POLICY_GROUP}/${POLICY_VERSION}/${POLICY_PLURAL}`, list as never);
    for (const verb of ['add', 'update', 'delete'] as const) this.#informer.on(verb, () => this.#refresh());
    this.#informer.on('error', (err) => {
      this.#logger.warn('policy watch failed; restarting', { error: String((err as Error)?.message ?? err).slice(0, 200) });
      if (this.#stopped) return;
      // The informer stops on error; restart after a pause, keeping the last known policies.
      this.#restart = setTimeout(() => {
        if (!this.#stopped) this.#informer.start().catch(() => undefined);
      }, RESTART_DELAY_MS);
      this.#restart.unref();
    });
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#informer.start();
    this.#refresh();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restart);
    await this.#informer.stop();
  }

  policies(): readonly AdmissionPolicy[] {
    return this.#snapshot;
  }

  #refresh(): void {
    const next = new Map<string, { key: string; policy: AdmissionPolicy }>();
    for (const obj of this.#informer.list()) {
      const name = obj.metadata?.name ?? '';
      const key = `${obj.metadata?.uid ?? ''}/${obj.metadata?.generation ?? 0}`;
      const known = this.#parsed.get(name);
      if (known?.key === key) {
        next.set(name, known);
        continue;
      }
      const policy = parseOrInvalid(obj as never, this.#namespace);
      if (policy.invalid) this.#logger.warn('verification policy is invalid: it denies every image it governs', { policy: name, error: policy.invalid });
      else this.#logger.info('verification policy loaded', { policy: name, generation: policy.generation, mode: policy.mode });
      next.set(name, { key, policy });
    }
    this.#parsed = next;
    this.#snapshot = [...next.values()].map((e) => e.policy).sort((a, b) => a.name.localeCompare(b.name));
  }
}
