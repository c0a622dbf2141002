/**
 * Field ownership bookkeeping in metadata.managedFields: Update operations take the fields
 * they changed; Apply operations own exactly the fields of their applied configuration and
 * conflict (409) with other managers unless forced.
 */
import { isDeepStrictEqual } from 'node:util';
import { KubeApiError } from '../status.ts';
import type { ManagedFieldsEntry, StoredObject } from '../types.ts';
import {
  changedPaths,
  formatPath,
  fromFieldsV1,
  leafPaths,
  overlaps,
  toFieldsV1,
  valueAt,
} from './field-paths.ts';
import type { FieldPath } from './field-paths.ts';

interface Ownership {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  paths: FieldPath[];
}

function read(obj: StoredObject | undefined): Ownership[] {
  return (obj?.metadata.managedFields ?? []).map((e) => {
    const o: Ownership = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      paths: fromFieldsV1(e.fieldsV1),
    };
    if (e.subresource !== undefined) o.subresource = e.subresource;
    return o;
  });
}

function write(owners: Ownership[]): ManagedFieldsEntry[] {
  return owners
    .filter((o) => o.paths.length > 0)
    .map((o) => {
      const e: ManagedFieldsEntry = {
        manager: o.manager,
        operation: o.operation,
        apiVersion: o.apiVersion,
        time: o.time,
        fieldsType: 'FieldsV1',
        fieldsV1: toFieldsV1(o.paths),
      };
      if (o.subresource !== undefined) e.subresource = o.subresource;
      return e;
    });
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function entryFor(
  owners: Ownership[],
  manager: string,
  operation: Ownership['operation'],
  apiVersion: string,
  subresource?: string,
): Ownership {
  let entry = owners.find(
    (o) => o.manager === manager && o.operation === operation && o.subresource === subresource,
  );
  if (entry === undefined) {
    entry = { manager, operation, apiVersion, time: now(), paths: [] };
    if (subresource !== undefined) entry.subresource = subresource;
    owners.push(entry);
  }
  entry.time = now();
  entry.apiVersion = apiVersion;
  return entry;
}

/** Records an Update by `manager`: it owns what it changed; others lose those fields. */
export function recordUpdate(
  before: StoredObject | undefined,
  after: StoredObject,
  manager: string,
  subresource?: string,
): void {
  const owners = read(before);
  const changed = changedPaths(before ?? {}, after);
  if (changed.length === 0 && before !== undefined) {
    after.metadata.managedFields = write(owners);
    return;
  }
  for (const o of owners) o.paths = o.paths.filter((p) => !changed.some((c) => overlaps(c, p)));
  const entry = entryFor(owners, manager, 'Update', after.apiVersion, subresource);
  const present = changed.filter((p) => valueAt(after, p) !== undefined);
  entry.paths = [...entry.paths.filter((p) => !present.some((c) => overlaps(c, p))), ...present];
  after.metadata.managedFields = write(owners);
}

/** Fields of `applied` that another manager owns with a different live value. */
function conflicts(
  live: StoredObject | undefined,
  applied: Record<string, unknown>,
  owners: Ownership[],
  manager: string,
): Array<{ manager: string; path: FieldPath }> {
  const out: Array<{ manager: string; path: FieldPath }> = [];
  for (const p of leafPaths(applied)) {
    for (const o of owners) {
      if (o.manager === manager) continue;
      const owned = o.paths.find((q) => overlaps(p, q));
      if (owned !== undefined && !isDeepStrictEqual(valueAt(live, p), valueAt(applied, p)))
        out.push({ manager: o.manager, path: owned });
    }
  }
  return out;
}

export function conflictError(
  found: Array<{ manager: string; path: FieldPath }>,
  apiVersion: string,
): KubeApiError {
  const causes = found.map((c) => ({
    type: 'FieldManagerConflict',
    message: `conflict with "${c.manager}" using ${apiVersion}`,
    field: formatPath(c.path),
  }));
  const lines = found.map((c) => `conflict with "${c.manager}" using ${apiVersion}: ${formatPath(c.path)}`);
  const message =
    found.length === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${found.length} conflicts: ${lines.join('\n')}`;
  return new KubeApiError(409, 'Conflict', message, { causes });
}

/**
 * Ownership step of server-side apply. Throws 409 on conflicts unless `force`; returns the
 * paths this manager applied before but no longer applies and nobody else owns (to remove).
 */
export function takeApplyOwnership(
  live: StoredObject | undefined,
  applied: Record<string, unknown>,
  manager: string,
  force: boolean,
  apiVersion: string,
): { entries: (after: StoredObject) => void; dropped: FieldPath[] } {
  const owners = read(live);
  const found = conflicts(live, applied, owners, manager);
  if (found.length > 0 && !force) throw conflictError(found, apiVersion);
  const appliedPaths = leafPaths(applied);
  if (force) {
    for (const o of owners) {
      if (o.manager !== manager)
        o.paths = o.paths.filter((q) => !found.some((c) => c.manager === o.manager && overlaps(c.path, q)));
    }
  }
  const previous = owners.find((o) => o.manager === manager && o.operation === 'Apply')?.paths ?? [];
  const dropped = previous.filter(
    (p) =>
      !appliedPaths.some((a) => overlaps(a, p)) &&
      !owners.some((o) => o.manager !== manager && o.paths.some((q) => overlaps(q, p))),
  );
  return {
    dropped,
    entries: (after) => {
      const entry = entryFor(owners, manager, 'Apply', apiVersion);
      entry.paths = appliedPaths;
      after.metadata.managedFields = write(owners);
    },
  };
}
