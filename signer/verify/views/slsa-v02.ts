import type { Statement } from '../../intoto/statement.ts';
import type { MaterialView, RunView } from '../run-view.ts';
import { embeddedEvent } from './event.ts';
import { arr, digestSet, gaps, obj, str } from './fields.ts';
import { taskView } from './task-record.ts';

/** SLSA v0.2 with the TEP-0084 layout (`in-toto` / `slsa/v1` format). */
export function slsaV02View(statement: Statement): RunView {
  const p = obj(statement.predicate);
  const meta = obj(p.metadata);
  const config = obj(p.buildConfig);
  const materials: MaterialView[] = arr(p.materials).map((m) => ({ uri: str(obj(m).uri) ?? '', digest: digestSet(obj(m).digest) }));
  const trigger = obj(config.triggerEvent);
  const view: RunView = {
    predicateType: statement.predicateType,
    subjects: statement.subject,
    params: obj(obj(p.invocation).parameters),
    results: {},
    tasks: arr(config.tasks).map(taskView),
    materials,
    event: embeddedEvent(trigger.state, trigger.envelope, materials, trigger.reason ?? trigger.error, trigger),
    complete: arr(config.incompleteTasks).length === 0,
    incomplete: gaps(config.incompleteTasks),
  };
  assign(view, 'builderId', str(obj(p.builder).id));
  assign(view, 'buildType', str(p.buildType));
  assign(view, 'startedOn', str(meta.buildStartedOn));
  assign(view, 'finishedOn', str(meta.buildFinishedOn));
  return view;
}

export function assign<K extends 'builderId' | 'buildType' | 'startedOn' | 'finishedOn'>(view: RunView, key: K, value: string | undefined): void {
  if (value !== undefined) view[key] = value;
}
