/**
 * The HTTP layer: bearer-token auth, fault injection, body limits, routing to discovery, the
 * verbs or a watch, and Status responses for every error. Logs each request (no bodies).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { allowed, forbidden } from './auth/rbac.ts';
import type { RequestAttributes } from './auth/rbac.ts';
import type { Identities } from './auth/identities.ts';
import { managerFor, parseJson, readBody, send } from './http-io.ts';
import { discoveryDocument } from './discovery.ts';
import type { Faults } from './faults.ts';
import type { RequestLog } from './request-log.ts';
import type { ResourceTable } from './resources.ts';
import type { ObjectStore } from './store.ts';
import { parseResourcePath } from './routes.ts';
import { conflict, KubeApiError, methodNotAllowed, reasonForCode } from './status.ts';
import type { Verbs, WriteContext } from './verbs.ts';
import type { WatchHub } from './watch.ts';

export interface HandlerDeps {
  table: ResourceTable;
  verbs: Verbs;
  hub: WatchHub;
  faults: Faults;
  log: RequestLog;
  identities: Identities;
  store: ObjectStore;
}

/** The RBAC verb of a resource request. */
function verbOf(method: string, named: boolean, watch: boolean): string {
  if (method === 'GET') return watch ? 'watch' : named ? 'get' : 'list';
  return (
    { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: named ? 'delete' : 'deletecollection' }[
      method
    ] ?? method.toLowerCase()
  );
}

export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://localhost');
    let isWatch = false;
    let fault: 'fail' | 'conflict' | 'latency' | undefined;
    let user: string | undefined;
    const record = (): void =>
      deps.log.add({
        at: started,
        method,
        url: url.pathname + url.search,
        status: res.statusCode,
        durationMs: Date.now() - started,
        watch: isWatch,
        ...(fault ? { fault } : {}),
        ...(user ? { user } : {}),
      });
    res.on('finish', record);
    res.on('close', () => {
      if (!res.writableFinished) record();
    });

    const run = async (): Promise<void> => {
      // Authenticate first so fault rules can target one identity; a bad token is still
      // answered after the faults (an unavailable server says 503 before it says 401).
      const identity = deps.identities.authenticate(req.headers.authorization);
      user = identity?.user;
      const decision = deps.faults.decide({ method, path: url.pathname + url.search, user });
      if (decision.delayMs > 0) {
        fault = 'latency';
        await new Promise((r) => setTimeout(r, decision.delayMs));
      }
      if (decision.fail !== undefined) {
        fault = 'fail';
        const { status, message, retryAfterSeconds } = decision.fail;
        const err = new KubeApiError(
          status,
          reasonForCode(status),
          message,
          retryAfterSeconds === undefined ? undefined : { retryAfterSeconds },
        );
        send(
          res,
          status,
          err.status,
          retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
        );
        return;
      }
      if (identity === undefined) {
        send(res, 401, new KubeApiError(401, 'Unauthorized', 'Unauthorized').status);
        return;
      }
      if (['/healthz', '/readyz', '/livez'].includes(url.pathname)) {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      const route = parseResourcePath(deps.table, url.pathname);
      if (route === undefined) {
        const doc = method === 'GET' ? discoveryDocument(deps.table, url.pathname) : undefined;
        if (doc === undefined)
          throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
        send(res, 200, doc);
        return;
      }
      const { target } = route;
      const watchParam = url.searchParams.get('watch');
      const watching =
        method === 'GET' &&
        target.name === undefined &&
        (route.watchPrefix || watchParam === 'true' || watchParam === '1');
      const attrs: RequestAttributes = {
        verb: verbOf(method, target.name !== undefined, watching),
        group: target.def.group,
        resource: target.def.resource,
      };
      if (target.subresource !== undefined) attrs.subresource = target.subresource;
      if (target.namespace !== undefined) attrs.namespace = target.namespace;
      if (target.name !== undefined) attrs.name = target.name;
      if (!allowed(deps.store, identity, attrs)) throw forbidden(identity, attrs);
      if (decision.conflict) {
        fault = 'conflict';
        throw conflict(target.def.resource, target.def.group, target.name ?? '');
      }
      const ctx: WriteContext = { query: url.searchParams, manager: managerFor(req, url.searchParams) };
      if (watching) {
        isWatch = true;
        deps.hub.serve(res, target, url.searchParams);
        return;
      }
      const raw = method === 'GET' ? '' : await readBody(req);
      switch (method) {
        case 'GET':
          return send(
            res,
            200,
            target.name === undefined ? deps.verbs.list(target, url.searchParams) : deps.verbs.get(target),
          );
        case 'POST':
          if (target.name !== undefined) throw methodNotAllowed('POST is not allowed on a named resource');
          return send(res, 201, deps.verbs.create(target, parseJson(raw) ?? {}, ctx));
        case 'PUT':
          return send(res, 200, deps.verbs.update(target, parseJson(raw) ?? {}, ctx));
        case 'PATCH': {
          const existed = deps.verbs.exists(target);
          const out = deps.verbs.patch(target, req.headers['content-type'], raw, ctx);
          return send(res, existed ? 200 : 201, out);
        }
        case 'DELETE':
          if (target.name === undefined)
            return send(res, 200, deps.verbs.deleteCollection(target, parseJson(raw), url.searchParams));
          return send(res, 200, deps.verbs.delete(target, parseJson(raw), url.searchParams));
        default:
          throw methodNotAllowed(`method ${method} is not allowed`);
      }
    };

    run().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const apiErr =
        err instanceof KubeApiError
          ? err
          : new KubeApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
      send(res, apiErr.code, apiErr.status);
    });
  };
}
