import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../../harness/kube/index.ts';

const EXAMPLES = fileURLToPath(new URL('../../../manifests/examples/', import.meta.url));

function examples(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(`${EXAMPLES}${file}`, 'utf8')).map((d) => d.toJS() as KubeObject);
}

/**
 * Applies the shipped GitHub Trigger (manifests/examples/trigger-github-direct.yaml), its
 * TriggerBindings and the shipped TriggerTemplate to the API server, as a cluster admin would.
 * The template keeps its event annotations; its PipelineRun is pointed at the TEP-0084
 * simple-build pipeline: `repo-url`/`revision` from the push event, `image` fixed per deployment.
 */
export function applyGithubTrigger(kube: KubeApiServer, image: string): void {
  for (const file of ['trigger-github-direct.yaml', 'triggerbinding-provenance.yaml', 'triggerbindings-git.yaml']) {
    for (const obj of examples(file)) kube.objects.put(obj);
  }
  const template = examples('triggertemplate.yaml')[0] as KubeObject & { spec: { resourcetemplates: Array<{ spec: unknown }> } };
  const run = template.spec.resourcetemplates[0] as { spec: unknown };
  run.spec = {
    pipelineRef: { name: 'simple-build' },
    params: [
      { name: 'repo-url', value: '$(tt.params.git-repo)' },
      { name: 'revision', value: '$(tt.params.git-revision)' },
      { name: 'image', value: image },
    ],
  };
  kube.objects.put(template);
}
