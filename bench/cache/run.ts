/**
 * Prefix-cache benchmark: a 30-turn tool-using native session against the fake LLM with its prefix
 * cache on (DeepSeek-style cached tokens, 64-token blocks, 4 characters per token), twice in one
 * run: earlier turns replayed from their transcripts (what the runner does now) against earlier
 * turns given as final text only (what it did before). Prints the cached share of each turn's
 * prompt prefix and overall; the target is >= 95 % from turn 2 on with transcripts.
 *
 *   node --conditions=source --import tsx bench/cache/run.ts [--turns 30]
 */
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NativeBackend } from '@boocode/agents';
import type { AgentEvent, HistoryMessage } from '@boocode/contracts';
import { startFakeLlm } from '@boocode/testkit';
import { table } from '../lib/stats.js';

const { values: args } = parseArgs({ options: { turns: { type: 'string', default: '30' } } });
const TURNS = Number(args.turns);

type Mode = 'transcript' | 'text';

/**
 * Per turn, the worst request's cached share of its prefix: the tokens it reported cached over the
 * previous request's whole prompt (which a request that extends it shares entirely).
 */
async function session(mode: Mode, root: string): Promise<number[]> {
  const llm = await startFakeLlm({ prefixCache: true });
  const backend = new NativeBackend({ defaults: { baseURL: llm.url, apiKey: 'bench', model: 'fake-model', maxRetries: 0, maxSteps: 5 }, baseEnv: {} });
  const handle = await backend.ensureSession(
    { chatId: `bench-${mode}`, agent: 'native' },
    { sessionId: 'bench', projectId: 'bench', root, model: null, resumeToken: null },
  );
  const history: HistoryMessage[] = [];
  const rates: number[] = [];
  let previous = 0;
  try {
    for (let turn = 1; turn <= TURNS; turn++) {
      const ask = `turn ${turn}: read file ${turn % 5}.txt and summarise it`;
      llm.push(
        { match: { lastUserIncludes: `turn ${turn}:` }, toolCalls: [{ id: `call_${turn}`, name: 'read_file', arguments: { path: `${turn % 5}.txt` } }] },
        { text: `Turn ${turn}: the file lists numbers.` },
      );
      let worst = 1;
      // The fake reports its cache in each step's usage, as DeepSeek does.
      const onEvent = (e: AgentEvent): void => {
        if (e.type !== 'usage') return;
        const raw = e.raw as { prompt_cache_hit_tokens?: number; prompt_tokens?: number } | null;
        const hit = raw?.prompt_cache_hit_tokens ?? 0;
        worst = Math.min(worst, previous === 0 ? 0 : Math.min(1, hit / previous));
        previous = raw?.prompt_tokens ?? 0;
      };
      const result = await backend.prompt(handle, { parts: [{ type: 'text', text: ask }], history }, { signal: new AbortController().signal, onEvent });
      if (!result.ok) throw new Error(`turn ${turn} failed: ${result.error?.message ?? result.stop_reason}`);
      const answer = `Turn ${turn}: the file lists numbers.`;
      if (mode === 'transcript' && result.transcript) history.push({ role: 'assistant', content: answer, transcript: result.transcript });
      else history.push({ role: 'user', content: ask }, { role: 'assistant', content: answer });
      rates.push(worst);
    }
  } finally {
    await backend.dispose();
    await llm.close();
  }
  return rates;
}

async function main(): Promise<void> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'boocode-bench-cache-')));
  for (let i = 0; i < 5; i++) await writeFile(path.join(root, `${i}.txt`), Array.from({ length: 80 }, (_, j) => `line ${i}.${j}`).join('\n') + '\n');
  try {
    const withTranscript = await session('transcript', root);
    const textOnly = await session('text', root);
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    const rows = withTranscript.map((t, i) => ({ turn: String(i + 1), 'text-only history': pct(textOnly[i]!), transcript: pct(t) }));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const summary = (label: string, f: (xs: number[]) => number) => ({ turn: label, 'text-only history': pct(f(textOnly.slice(1))), transcript: pct(f(withTranscript.slice(1))) });
    rows.push(summary('mean, turn 2+', mean), summary('worst, turn 2+', (xs) => Math.min(...xs)));
    console.log(table(rows));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
