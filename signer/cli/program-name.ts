import { basename, resolve } from 'node:path';
import { homedir } from 'node:os';

/** How the user called us: `tkn provenance` as a tkn plugin, else `tkn-provenance`. */
export type ProgramName = 'tkn provenance' | 'tkn-provenance';

/**
 * tkn runs a plugin by exec'ing `tkn-<name>` with the rest of its arguments and its own
 * environment unchanged (tektoncd/cli cmd/tkn/main.go, pkg/plugins/plugins.go); it sets no
 * variable of its own. Two traces remain: the shell put `_=<path of tkn>` in tkn's
 * environment (bash and zsh do, for every command they run), and a plugin installed in
 * tkn's plugin folder is rarely called by its path directly.
 */
export function programName(env: NodeJS.ProcessEnv, scriptPath: string | undefined): ProgramName {
  if (env._ !== undefined && basename(env._) === 'tkn') return 'tkn provenance';
  // The release tarball's launcher passes the path it was run by (the node script is in lib/).
  const calledAs = env.TKN_PROVENANCE_LAUNCHED_AS || scriptPath;
  if (calledAs !== undefined && resolve(calledAs).startsWith(`${tknPluginDir(env)}/`)) return 'tkn provenance';
  return 'tkn-provenance';
}

/** tkn's plugin folder: TKN_PLUGINS_DIR, else $XDG_CONFIG_HOME/tkn/plugins, else ~/.config/tkn/plugins. */
export function tknPluginDir(env: NodeJS.ProcessEnv): string {
  if (env.TKN_PLUGINS_DIR) return resolve(env.TKN_PLUGINS_DIR);
  if (env.XDG_CONFIG_HOME) return resolve(env.XDG_CONFIG_HOME, 'tkn', 'plugins');
  return resolve(env.HOME ?? homedir(), '.config', 'tkn', 'plugins');
}
