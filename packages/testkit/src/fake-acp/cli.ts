import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runFakeAcpAgent } from './agent.js';
import { FakeAcpScript } from './script.js';

const USAGE = 'usage: fake-acp [--script file.json]   (or the script as JSON in FAKE_ACP_SCRIPT)';

/** Entry point of `bin/fake-acp.js`: an ACP agent on stdin/stdout until stdin closes. */
export async function runFakeAcpCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { script: { type: 'string' } }, strict: true });
  const text = values.script ? await readFile(values.script, 'utf8') : (process.env.FAKE_ACP_SCRIPT ?? '{}');
  const parsed = FakeAcpScript.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`invalid fake-acp script:\n${z.prettifyError(parsed.error)}\n${USAGE}`);
  const conn = runFakeAcpAgent(parsed.data);
  await conn.closed;
  // Its client is gone (closed, or killed): a turn still waiting on a scripted delay must not keep it alive.
  process.exit(0);
}
