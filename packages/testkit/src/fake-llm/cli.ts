import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FakeLlmScriptFile, type ScriptedTurn } from './script.js';
import { startFakeLlm, type FakeLlm } from './server.js';

const USAGE = 'usage: fake-llm [--port N] [--host ADDR] [--script file.json]';

/**
 * Entry point of `bin/fake-llm.js`. Prints `fake-llm listening on <base url>` on stdout once ready,
 * so a parent process can wait for that line and read the URL from it.
 */
export async function runFakeLlmCli(argv: string[]): Promise<FakeLlm> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      script: { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}\n${USAGE}`);

  let turns: ScriptedTurn[] = [];
  let fallback: ScriptedTurn | undefined;
  let models: string[] | undefined;
  if (values.script) {
    const text = await readFile(values.script, 'utf8');
    const parsed = FakeLlmScriptFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`invalid script ${values.script}: \n${z.prettifyError(parsed.error)}`);
    if (Array.isArray(parsed.data)) turns = parsed.data;
    else ({ turns, fallback, models } = parsed.data);
  }
  const llm = await startFakeLlm({ port, host: values.host, script: turns, fallback, models });
  process.stdout.write(`fake-llm listening on ${llm.url}\n`);
  const stop = (): void => {
    void llm.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return llm;
}
