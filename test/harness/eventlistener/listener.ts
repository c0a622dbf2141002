import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { pairsFromRawHeaders, toGoHeader } from './go-header.ts';
import { goUtf8 } from './go-json.ts';
import { processTrigger } from './trigger.ts';
import type { TriggerDefinition, TriggerResult } from './trigger.ts';

export interface EventListenerOptions {
  name: string;
  namespace: string;
  triggers: TriggerDefinition[];
  /** PEM CAs the EL trusts: the caBundles of the https interceptors. Nothing else is trusted. */
  caBundles: string[];
  /** When given, rendered resources are created through client-node. */
  kubeConfig?: KubeConfig;
  /** e.g. `{'my-interceptor.ns.svc': '127.0.0.1'}` for service URLs. */
  hostAliases?: Record<string, string>;
  responseHeaderTimeoutMs?: number;
  /** The EL rejects a body that is not a JSON object with 400 (default true). */
  payloadValidation?: boolean;
  /** Event id generator (default uuid v4). */
  newEventId?: () => string;
  /** `$(uid)` generator (default uuid v4). */
  newUid?: () => string;
}

/** An incoming webhook, as bytes. */
export interface Webhook {
  /** Informational: the EL processes a webhook whatever its method. */
  method?: string;
  /** Request URI; becomes `context.event_url` (default `/`). */
  path?: string;
  headers: Record<string, string | string[]> | ReadonlyArray<readonly [string, string]>;
  body: Buffer;
}

export interface EventResult {
  eventId: string;
  /** What the EL answers the sender: 202 (accepted, processed after) or 400. */
  status: 202 | 400;
  triggers: TriggerResult[];
}

/**
 * A Triggers EventListener in-process: `handle()` processes one webhook and resolves once
 * every trigger is done; `listen()` serves HTTP like the EL pod (202 first, work after).
 */
export class EventListenerSimulator {
  readonly options: EventListenerOptions;
  /** Results of every event handled, in arrival order. */
  readonly events: EventResult[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  #server?: Server;

  constructor(options: EventListenerOptions) {
    this.options = options;
  }

  async handle(webhook: Webhook, eventId: string = (this.options.newEventId ?? randomUUID)()): Promise<EventResult> {
    const o = this.options;
    if ((o.payloadValidation ?? true) && !isJsonObject(webhook.body)) {
      const result: EventResult = { eventId, status: 400, triggers: [] };
      this.events.push(result);
      return result;
    }
    const ctx = {
      eventListener: o.name,
      namespace: o.namespace,
      body: goUtf8(webhook.body),
      header: toGoHeader(webhook.headers),
      eventUrl: webhook.path ?? '/',
      eventId,
      client: { ca: o.caBundles, hostAliases: o.hostAliases, responseHeaderTimeoutMs: o.responseHeaderTimeoutMs },
      kubeConfig: o.kubeConfig,
      uid: o.newUid,
    };
    // Triggers runs every trigger in its own goroutine.
    const triggers = await Promise.all(o.triggers.map((t) => processTrigger(t, ctx)));
    const result: EventResult = { eventId, status: 202, triggers };
    this.events.push(result);
    return result;
  }

  /** Serves the EL on 127.0.0.1 (port 0); resolves to its base URL. */
  async listen(): Promise<string> {
    this.#server = createServer((req, res) => void this.#serve(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Waits until every webhook received over HTTP has been processed. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.idle();
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const webhook: Webhook = {
      method: req.method,
      path: req.url ?? '/',
      // Node decodes header bytes as latin1; Go keeps the bytes (then JSON-encodes them as UTF-8).
      headers: pairsFromRawHeaders(req.rawHeaders).map(([k, v]) => [k, goUtf8(Buffer.from(v, 'latin1'))] as [string, string]),
      body: Buffer.concat(chunks),
    };
    const { name, namespace } = this.options;
    if ((this.options.payloadValidation ?? true) && !isJsonObject(webhook.body)) {
      await this.handle(webhook);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ eventListener: name, namespace, eventListenerUID: '', errorMessage: 'Invalid event body format' }) + '\n');
      return;
    }
    // The EL answers 202 before any interceptor runs; failures are only logged.
    const eventID = (this.options.newEventId ?? randomUUID)();
    const work = this.handle(webhook, eventID).finally(() => this.#pending.delete(work));
    this.#pending.add(work);
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ eventListener: name, namespace, eventListenerUID: '', eventID }) + '\n');
  }
}

function isJsonObject(body: Buffer): boolean {
  try {
    const v: unknown = JSON.parse(goUtf8(body));
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}
