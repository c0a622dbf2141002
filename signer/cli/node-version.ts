/**
 * The Node.js the CLI needs (package.json `engines`). Checked before anything else is
 * loaded, because an older Node fails deep inside an import (node:sqlite) with a stack trace.
 * This module imports nothing, so it loads on any Node that runs ES modules.
 */
export const REQUIRED_NODE_MAJOR = 24;

/** The one line printed on an older Node, or undefined when `version` is new enough. */
export function oldNodeMessage(version: string, execPath: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `tkn-provenance: needs Node.js ${REQUIRED_NODE_MAJOR} or newer, but ${execPath} is ${version} [NODE_TOO_OLD]; ` +
    `install Node.js ${REQUIRED_NODE_MAJOR} (https://nodejs.org, or \`nvm install ${REQUIRED_NODE_MAJOR}\`) ` +
    `or use the release tarball, which brings its own runtime (docs/install.md)\n`
  );
}
