import { resolve } from 'node:path';
import { decodeBase64 } from '../../dsse/base64.ts';
import { parseStatement } from '../../intoto/validate.ts';
import { renderMermaid, renderSummary } from '../../verify/inspect.ts';
import { readAttestationPath } from '../../verify/sources/attestation-files.ts';
import { toRunView } from '../../verify/views/index.ts';
import { EXIT_OK, type Command } from '../command.ts';
import { boolFlag, onePositional, parseFlags } from '../flags.ts';

const HELP = `tkn-provenance inspect: summarise an attestation (no signature check: use verify for that)

Usage:
  tkn-provenance inspect [--mermaid] FILE

Prints the trigger event, the tasks in execution order with their refs, images, results and
runAfter edges, the params, materials and subjects. FILE is a DSSE envelope or sigstore bundle
(the first one when the file holds several).

Flags:
  --mermaid   print the task graph as a Mermaid flowchart instead (for docs and pull requests)

Examples:
  tkn-provenance inspect attestation.json
  tkn-provenance inspect --mermaid attestation.json > graph.mmd
`;

const command: Command = {
  name: 'inspect',
  summary: 'summarise an attestation',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { mermaid: { type: 'boolean' } });
    const file = resolve(io.cwd, onePositional(positionals, 'attestation file'));
    const [first] = await readAttestationPath(file);
    const statement = parseStatement(decodeBase64((first as { envelope: { payload: string } }).envelope.payload, 'payload'));
    const view = toRunView(statement);
    io.stdout.write(boolFlag(values, 'mermaid') ? renderMermaid(view) : renderSummary(view));
    return EXIT_OK;
  },
};

export default command;
