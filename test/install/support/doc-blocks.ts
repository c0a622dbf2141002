import { readFileSync } from 'node:fs';

/** The marker, on the line right before a ```sh fence, that makes the block a test. */
export const RUNNABLE_MARKER = '<!-- runnable -->';

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
  code: string;
}

/**
 * The shell blocks of a Markdown file marked runnable. The marker is an HTML comment, so
 * it does not show on GitHub; a marker not followed by a sh/bash fence is an error (a doc
 * edit must not silently drop a block from the test).
 */
export function runnableBlocks(file: string, text = readFileSync(file, 'utf8')): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== RUNNABLE_MARKER) continue;
    const fence = lines[i + 1]?.trim() ?? '';
    if (!/^```(sh|bash|shell)$/.test(fence)) throw new Error(`${file}:${i + 1}: ${RUNNABLE_MARKER} must be followed by a \`\`\`sh fence`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.trim() === '```');
    if (end < 0) throw new Error(`${file}:${i + 2}: unterminated code block`);
    blocks.push({ file, line: i + 2, code: lines.slice(i + 2, end).join('\n') });
    i = end;
  }
  return blocks;
}
