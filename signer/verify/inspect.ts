import type { RunView, TaskView } from './run-view.ts';

/** A readable summary of an attestation: event, tasks in execution order, images, subjects. */
export function renderSummary(run: RunView): string {
  const out: string[] = [];
  out.push(`Predicate:  ${run.predicateType}`);
  if (run.builderId) out.push(`Builder:    ${run.builderId}`);
  if (run.startedOn || run.finishedOn) out.push(`Run:        ${run.startedOn ?? '?'} -> ${run.finishedOn ?? '?'}`);
  out.push(`Event:      ${describeEvent(run)}`);
  out.push('', `Subjects (${run.subjects.length}):`);
  for (const s of run.subjects) out.push(`  ${s.name}@${Object.entries(s.digest).map(([a, h]) => `${a}:${h}`).join(',')}`);
  const params = Object.entries(run.params);
  if (params.length > 0) {
    out.push('', 'Params:');
    for (const [k, v] of params) out.push(`  ${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  out.push('', `Tasks in execution order (${run.tasks.length}):`);
  run.tasks.forEach((t, i) => {
    out.push(`  ${i + 1}. ${t.name} [${t.status ?? '?'}] ${describeRef(t)}${t.after.length ? `  after: ${t.after.join(', ')}` : ''}`);
    for (const img of t.images) out.push(`       image  ${img}`);
    for (const [k, v] of Object.entries(t.results)) out.push(`       result ${k} = ${typeof v === 'string' ? v.trim() : JSON.stringify(v)}`);
  });
  if (run.materials.length > 0) {
    out.push('', 'Materials:');
    for (const m of run.materials) out.push(`  ${m.uri} ${Object.entries(m.digest).map(([a, h]) => `${a}:${h}`).join(',')}`);
  }
  if (run.complete === false) out.push('', 'INCOMPLETE: some children could not be attested');
  return `${out.join('\n')}\n`;
}

/** The task graph as a Mermaid flowchart (runAfter edges), for docs and pull requests. */
export function renderMermaid(run: RunView): string {
  const id = (name: string) => `t_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = ['flowchart TD'];
  for (const t of run.tasks) {
    const label = `${t.name}<br/>${describeRef(t).replace(/"/g, "'")}`;
    lines.push(`  ${id(t.name)}["${label}"]${t.status && t.status !== 'Succeeded' ? ':::failed' : ''}`);
  }
  for (const t of run.tasks) for (const a of t.after) lines.push(`  ${id(a)} --> ${id(t.name)}`);
  if (run.event.state === 'found') {
    lines.push(`  event(["trigger event ${run.event.digest.slice(0, 19)}…"])`);
    for (const t of run.tasks.filter((x) => x.after.length === 0)) lines.push(`  event --> ${id(t.name)}`);
  }
  lines.push('  classDef failed fill:#fdd,stroke:#c00');
  return `${lines.join('\n')}\n`;
}

function describeRef(t: TaskView): string {
  const r = t.ref;
  if (r.bundle) return `bundle ${r.bundle}`;
  if (r.resolver) return `${r.resolver} resolver${t.source ? ` ${t.source.uri}` : ''}`;
  return `${r.kind ?? 'Task'}/${r.name ?? '(inline)'}`;
}

function describeEvent(run: RunView): string {
  const e = run.event;
  if (e.state === 'found') return `${e.digest}${e.eventId ? ` (event ${e.eventId})` : ''}`;
  return `${e.state}: ${e.reason}`;
}
