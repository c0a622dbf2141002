import { UsageError } from './command.ts';

/** A terminal to prompt on: a TTY input that can switch echo off (raw mode). */
export interface Terminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream;
}

const MAX_LENGTH = 4096;

/**
 * Reads a password without echo, as cosign does (golang.org/x/term ReadPassword): raw mode,
 * Enter ends, Backspace edits, Ctrl-C / Ctrl-D cancel. The typed text never reaches the output.
 */
export function readHidden(term: Terminal, prompt: string): Promise<string> {
  const { input, output } = term;
  if (input.isTTY !== true || typeof input.setRawMode !== 'function') {
    return Promise.reject(new UsageError('no terminal to ask for the password on'));
  }
  // Echo off before the prompt shows: an answer typed the moment it appears is never echoed.
  input.setRawMode(true);
  output.write(prompt);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new UsageError('password prompt cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (typed.length < MAX_LENGTH) typed += ch;
      }
    };
    input.on('data', onData);
  });
}

/** cosign generate-key-pair's prompt: the password twice; they must match. */
export async function promptNewPassword(term: Terminal): Promise<string> {
  const first = await readHidden(term, 'Enter password for private key: ');
  const again = await readHidden(term, 'Enter password for private key again: ');
  if (first !== again) throw new UsageError('passwords do not match');
  return first;
}
