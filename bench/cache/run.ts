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

const { values: args } = parseArgs({ options: { turns: { type: 'string', default: '30' }, window: { type: 'string', default: '12000' } } });
const TURNS = Number(args.turns);
const WINDOW = Number(args.window);

type Mode = 'transcript' | 'text' | 'compacting';

interface Run {
  /** Per turn, the worst request's cached share of the previous request's prompt. */
  rates: number[];
  /** Turns that began with a compaction. */
  compacted: Set<number>;
  /** Cached prompt tokens over all prompt tokens, every request of the run. */
  overall: number;
}

/**
 * Per turn, the worst request's cached share of its prefix: the tokens it reported cached over the
 * previous request's whole prompt (which a request that extends it shares entirely).
 */
async function session(mode: Mode, root: string): Promise<Run> {
  // The summary request of a compaction matches no scripted turn: the fallback answers it.
  const llm = await startFakeLlm({ prefixCache: true, fallback: { text: 'Summary: the files read so far each list numbered lines.' } });
  const window = mode === 'compacting' ? { contextWindow: WINDOW } : {};
  const backend = new NativeBackend({ defaults: { baseURL: llm.url, apiKey: 'bench', model: 'fake-model', maxRetries: 0, maxSteps: 5, ...window }, baseEnv: {} });
  const handle = await backend.ensureSession(
    { chatId: `bench-${mode}`, agent: 'native' },
    { sessionId: 'bench', projectId: 'bench', root, model: null, resumeToken: null },
  );
  let history: HistoryMessage[] = [];
  const rates: number[] = [];
  const compacted = new Set<number>();
  let previous = 0;
  let hits = 0;
  let prompts = 0;
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
        hits += hit;
        prompts += previous;
      };
      const result = await backend.prompt(handle, { parts: [{ type: 'text', text: ask }], history }, { signal: new AbortController().signal, onEvent, turn });
      if (!result.ok) throw new Error(`turn ${turn} failed: ${result.error?.message ?? result.stop_reason}`);
      const answer = `Turn ${turn}: the file lists numbers.`;
      // As the server does: a compaction's summary stands for every turn it covers.
      if (result.compaction) {
        const through = result.compaction.through_turn;
        history = [{ role: 'user', content: result.compaction.summary, turn: through, summary: true }, ...history.filter((h) => (h.turn ?? 0) > through)];
        compacted.add(turn);
      }
      if (mode !== 'text' && result.transcript) history.push({ role: 'assistant', content: answer, transcript: result.transcript, turn });
      else history.push({ role: 'user', content: ask, turn }, { role: 'assistant', content: answer, turn });
      rates.push(worst);
    }
  } finally {
    await backend.dispose();
    await llm.close();
  }
  return { rates, compacted, overall: prompts ? hits / prompts : 0 };
}

async function main(): Promise<void> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'boocode-bench-cache-')));
  for (let i = 0; i < 5; i++) await writeFile(path.join(root, `${i}.txt`), Array.from({ length: 80 }, (_, j) => `line ${i}.${j}`).join('\n') + '\n');
  try {
    const transcript = await session('transcript', root);
    const text = await session('text', root);
    const compacting = await session('compacting', root);
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    const compactCol = `transcript, ${WINDOW}-token window`;
    const rows = transcript.rates.map((t, i) => ({
      turn: String(i + 1),
      'text-only history': pct(text.rates[i]!),
      transcript: pct(t),
      [compactCol]: `${pct(compacting.rates[i]!)}${compacting.compacted.has(i + 1) ? ' (compacted)' : ''}`,
    }));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const summary = (label: string, f: (xs: number[]) => number) => ({
      turn: label,
      'text-only history': pct(f(text.rates.slice(1))),
      transcript: pct(f(transcript.rates.slice(1))),
      [compactCol]: pct(f(compacting.rates.slice(1))),
    });
    rows.push(summary('mean, turn 2+', mean), summary('worst, turn 2+', (xs) => Math.min(...xs)));
    rows.push({ turn: 'all prompt tokens cached', 'text-only history': pct(text.overall), transcript: pct(transcript.overall), [compactCol]: pct(compacting.overall) });
    console.log(table(rows));
    console.log(`compactions: ${compacting.compacted.size} (turns ${[...compacting.compacted].join(', ') || 'none'})`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
