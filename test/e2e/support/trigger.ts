import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ResolvedClusterInterceptor, TriggerDefinition, TriggerTemplate } from '../../harness/eventlistener/index.ts';

const EXAMPLES = fileURLToPath(new URL('../../../manifests/examples/', import.meta.url));

interface Param {
  name: string;
  value: unknown;
}
interface TriggerYaml {
  metadata: { name: string; namespace: string };
  spec: { interceptors: Array<{ name: string; ref: { name: string }; params: Param[] }>; bindings: Array<{ ref: string }> };
}
interface BindingYaml {
  metadata: { name: string };
  spec: { params: Array<{ name: string; value: string }> };
}

function examples<T>(file: string): T[] {
  return parseAllDocuments(readFileSync(`${EXAMPLES}${file}`, 'utf8')).map((d) => d.toJS() as T);
}

/**
 * The shipped GitHub Trigger (manifests/examples/trigger-github-direct.yaml) with its
 * TriggerBindings, as the EventListener resolves it. The TriggerTemplate is the shipped one
 * (same event annotations), its PipelineRun pointed at the TEP-0084 simple-build pipeline:
 * `repo-url`/`revision` from the push event, `image` fixed per deployment.
 */
export function githubPushTrigger(interceptor: ResolvedClusterInterceptor, image: string): TriggerDefinition {
  const trigger = examples<TriggerYaml>('trigger-github-direct.yaml')[0] as TriggerYaml;
  const bindings = new Map(
    [...examples<BindingYaml>('triggerbinding-provenance.yaml'), ...examples<BindingYaml>('triggerbindings-git.yaml')].map((b) => [b.metadata.name, b]),
  );
  const template = examples<TriggerTemplate>('triggertemplate.yaml')[0] as TriggerTemplate;
  const run = template.spec.resourcetemplates[0] as { spec: Record<string, unknown> };
  run.spec = {
    pipelineRef: { name: 'simple-build' },
    params: [
      { name: 'repo-url', value: '$(tt.params.repository)' },
      { name: 'revision', value: '$(tt.params.revision)' },
      { name: 'image', value: image },
    ],
  };
  return {
    name: trigger.metadata.name,
    namespace: trigger.metadata.namespace,
    interceptors: trigger.spec.interceptors.map((i) => ({
      name: i.name,
      url: interceptor.url,
      params: Object.fromEntries(i.params.map((p) => [p.name, p.value])),
    })),
    bindings: trigger.spec.bindings.flatMap((b) => bindings.get(b.ref)?.spec.params ?? []),
    template,
  };
}
