/**
 * Image globs: `*` matches within one path segment (no `/`), `**` across segments, `?` one
 * character; everything else is literal. `registry.example.com/team/*` governs
 * `registry.example.com/team/app` but not `registry.example.com/team/sub/app`.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1024;

/** Whether any of `globs` matches any of `names` (the ref as written, its name, its canonical form). */
export function matchesAny(globs: readonly string[], names: readonly string[]): boolean {
  for (const g of globs) {
    let re = compiled.get(g);
    if (!re) {
      if (compiled.size >= MAX_COMPILED) compiled.clear();
      re = globToRegExp(g);
      compiled.set(g, re);
    }
    if (names.some((n) => re.test(n))) return true;
  }
  return false;
}
