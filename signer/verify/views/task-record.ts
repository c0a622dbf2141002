import type { TaskView } from '../run-view.ts';
import { arr, digestSet, nameValues, obj, str } from './fields.ts';

/** One TEP-0084 task record (`buildConfig.tasks[]`, or a v1.0 `pipelineTask/*` byproduct). */
export function taskView(value: unknown): TaskView {
  const t = obj(value);
  const ref = obj(t.ref);
  const inv = obj(t.invocation);
  const src = obj(inv.configSource);
  const view: TaskView = {
    name: str(t.name) ?? '(unnamed)',
    after: arr(t.after).filter((a): a is string => typeof a === 'string'),
    ref: pick(ref),
    images: arr(t.steps).map((s) => str(obj(obj(s).environment).image)).filter((i): i is string => i !== undefined),
    results: nameValues(t.results),
    params: obj(inv.parameters),
  };
  const status = str(t.status);
  if (status) view.status = status;
  const startedOn = str(t.startedOn);
  if (startedOn) view.startedOn = startedOn;
  const finishedOn = str(t.finishedOn);
  if (finishedOn) view.finishedOn = finishedOn;
  const uri = str(src.uri);
  if (uri) view.source = { uri, digest: digestSet(src.digest) };
  return view;
}

function pick(ref: Record<string, unknown>): TaskView['ref'] {
  const out: TaskView['ref'] = {};
  for (const k of ['name', 'kind', 'bundle', 'resolver'] as const) {
    const v = str(ref[k]);
    if (v) out[k] = v;
  }
  return out;
}
