/** A Trigger named by the EventListener's `context.trigger_id`. */
export interface TriggerName {
  namespace: string;
  name: string;
}

const TRIGGER_ID = /^namespaces\/([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\/(?:cluster)?triggers\/([a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)$/;

/** `namespaces/<ns>/triggers/<name>` -> {namespace, name}; undefined when not in that form. */
export function parseTriggerId(triggerId: string): TriggerName | undefined {
  const m = TRIGGER_ID.exec(triggerId);
  return m?.[1] && m[2] ? { namespace: m[1], name: m[2] } : undefined;
}
