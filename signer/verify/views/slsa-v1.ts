import type { Statement } from '../../intoto/statement.ts';
import type { MaterialView, RunView } from '../run-view.ts';
import { embeddedEvent } from './event.ts';
import { arr, digestSet, gaps, nameValues, obj, str } from './fields.ts';
import { assign } from './slsa-v02.ts';
import { taskView } from './task-record.ts';

const TASK_RECORD = 'application/vnd.tekton-provenance.task+json';

/** SLSA v1.0 in the Chains v2alpha4 layout (`slsa/v2alpha4`), with our task byproducts. */
export function slsaV1View(statement: Statement): RunView {
  const p = obj(statement.predicate);
  const def = obj(p.buildDefinition);
  const details = obj(p.runDetails);
  const internal = obj(def.internalParameters);
  const deps = arr(def.resolvedDependencies).map(obj);
  const materials: MaterialView[] = deps.filter((d) => typeof d.uri === 'string').map((d) => ({ ...(typeof d.name === 'string' ? { name: d.name } : {}), uri: d.uri as string, digest: digestSet(d.digest) }));
  const byproducts = arr(details.byproducts).map(obj);
  const results: Record<string, unknown> = {};
  for (const b of byproducts) {
    const name = str(b.name);
    // v2alpha3 `pipelineRunResults/<result>`, v2alpha4 `pipelineRunResults/<run>/<result>` (result names have no '/').
    if (name?.startsWith('pipelineRunResults/')) results[name.slice(name.lastIndexOf('/') + 1)] = decode(b.content);
  }
  const summary = obj(internal['tekton-provenance.dev/triggerEvent']);
  const eventDep = deps.find((d) => d.name === 'triggerEvent');
  const view: RunView = {
    predicateType: statement.predicateType,
    subjects: statement.subject,
    params: nameValues(obj(obj(def.externalParameters).runSpec).params),
    results,
    tasks: byproducts.filter((b) => b.mediaType === TASK_RECORD).map((b) => taskView(decode(b.content))),
    materials,
    event: embeddedEvent(summary.state, eventDep ? decode(eventDep.content) : undefined, materials, summary.reason ?? summary.error, summary),
  };
  const complete = internal['tekton-provenance.dev/complete'];
  if (typeof complete === 'boolean') view.complete = complete;
  view.incomplete = gaps(internal['tekton-provenance.dev/incompleteTasks']);
  assign(view, 'builderId', str(obj(details.builder).id));
  assign(view, 'buildType', str(def.buildType));
  assign(view, 'startedOn', str(obj(details.metadata).startedOn));
  assign(view, 'finishedOn', str(obj(details.metadata).finishedOn));
  return view;
}

/** Byproduct/dependency `content` is base64 JSON; unreadable content reads as absent. */
function decode(content: unknown): unknown {
  if (typeof content !== 'string') return undefined;
  try {
    return JSON.parse(Buffer.from(content, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}
