// The programs the tests run, checked before any test starts: a missing one fails `npm test`
// at once, naming the Debian package to install, instead of suites failing (or waiting) one
// by one. Keep in step with PACKAGES in .ci/run.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Program {
  /** The command, or an absolute path. */
  name: string;
  /** The Debian package that installs it. */
  pkg: string;
  /** Who needs it, for the message. */
  usedBy: string;
}

export const PROGRAMS: readonly Program[] = [
  { name: process.env['DOCKER_REGISTRY_BIN'] ?? '/usr/bin/docker-registry', pkg: 'docker-registry', usedBy: 'the OCI registry the storage, controller and e2e tests push to' },
  { name: 'openssl', pkg: 'openssl', usedBy: 'independent signature checks, the README flow' },
  { name: 'ssh-keygen', pkg: 'openssh-client', usedBy: 'independent keyid checks' },
  { name: 'curl', pkg: 'curl', usedBy: "the README's runnable blocks" },
  { name: 'perl', pkg: 'perl', usedBy: 'the tkn stand-in of the installed-CLI test' },
  { name: 'script', pkg: 'bsdutils', usedBy: 'the pseudo-terminal of the keygen prompt test' },
  { name: 'tar', pkg: 'tar', usedBy: 'the release tarball test' },
  { name: 'kubectl', pkg: 'kubernetes-client', usedBy: 'applying manifests/ to the API test server' },
  { name: 'git', pkg: 'git', usedBy: 'the docs test (nothing left in the repo)' },
  { name: `${process.env['TEKTON_PROVENANCE_PG_BIN'] ?? '/usr/lib/postgresql/15/bin'}/initdb`, pkg: 'postgresql', usedBy: 'the PostgreSQL the postgres store tests start' },
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Programs not found (absolute paths as given, names on PATH). */
export function missingPrograms(programs: readonly Program[] = PROGRAMS, path = process.env['PATH'] ?? ''): Program[] {
  return programs.filter((p) =>
    p.name.startsWith('/') ? !executable(p.name) : !path.split(delimiter).some((dir) => dir !== '' && executable(join(dir, p.name))),
  );
}

/** The message printed when something is missing: one line per program, then the fix. */
export function missingMessage(missing: readonly Program[]): string {
  const lines = missing.map((p) => `  ${p.name} (Debian package ${p.pkg}): ${p.usedBy}`);
  const pkgs = [...new Set(missing.map((p) => p.pkg))].join(' ');
  return `npm test needs programs that are not installed:\n${lines.join('\n')}\nInstall them first: apt-get install -y --no-install-recommends ${pkgs}   (as .ci/run does)\n`;
}
