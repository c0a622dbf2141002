/** Terminal colours: on for a TTY, off with NO_COLOR (https://no-color.org) or TERM=dumb. */
export interface Paint {
  pass(text: string): string;
  fail(text: string): string;
  skip(text: string): string;
}

const plain: Paint = { pass: (t) => t, fail: (t) => t, skip: (t) => t };
const sgr = (code: number) => (t: string) => `\u001b[${code}m${t}\u001b[0m`;
const coloured: Paint = { pass: sgr(32), fail: sgr(31), skip: sgr(33) };

export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Paint {
  const off = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return stream.isTTY === true && !off && env.TERM !== 'dumb' ? coloured : plain;
}
