/**
 * Warm-turn benchmark: what keeping an external agent warm buys. For each backend it measures the
 * first turn of a chat (process spawn, initialization and session creation included) and the
 * second turn on the same, now warm, backend, both minus the fake LLM's own time for the requests
 * of that turn, and prints their ratio.
 *
 *   node --conditions=source --import tsx bench/warm-turn/run.ts [--iterations 5]
 *
 * Backends: OpenCode (`opencode serve` + HTTP/SSE), ACP through `opencode acp`, and ACP through the
 * fake ACP agent (the cost of the ACP backend itself, with an agent that does no work).
 * Prints figures only; no assertions.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AcpBackend, OpenCodeBackend, resolveOpenCodeBinary } from '@boocode/agents';
import type { AgentBackend, AgentEvent, AgentSessionHandle } from '@boocode/contracts';
import { fakeAcpBin, fakeOpenCodeConfig, openCodeTestHome, scratchDir, startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { nowMs, summarize, table } from '../lib/stats.js';

const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '5' } } });
const ITERATIONS = Number(args.iterations);

// Removed when the process ends, however it ends (so is the opencode home).
const root = scratchDir('boocode-bench-warm-');
const repo = join(root, 'repo');
mkdirSync(repo);
writeFileSync(join(repo, 'README.md'), '# bench\n');
const git = (...a: string[]): void => {
  execFileSync('git', a, { cwd: repo, stdio: 'ignore' });
};
git('init', '-q');
git('-c', 'user.email=b@b', '-c', 'user.name=b', 'add', '-A');
git('-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'init');

// An isolated opencode home; its provider is replaced per fake LLM below.
const ocHome = openCodeTestHome('http://127.0.0.1:9/v1', 'boocode-bench-oc-');
const env = ocHome.env;
const opencodeConfig = (l: FakeLlm) => fakeOpenCodeConfig(l.url);

interface Case {
  name: string;
  make(llm: FakeLlm): AgentBackend;
  /** Whether the agent calls the LLM (the fake ACP agent does not). */
  usesLlm: boolean;
}

let chat = 0;

/** Runs one turn; returns wall time since `start` minus the fake LLM's time for the turn's requests. */
async function turn(backend: AgentBackend, handle: AgentSessionHandle, llm: FakeLlm, start: number): Promise<{ ms: number; llmMs: number }> {
  const before = llm.requests.length;
  let text = '';
  const res = await backend.prompt(handle, { parts: [{ type: 'text', text: 'say hello' }] }, {
    signal: new AbortController().signal,
    onEvent: (e: AgentEvent) => {
      if (e.type === 'text') text += e.text;
    },
  });
  const ms = nowMs() - start;
  if (!res.ok || !text) throw new Error(`bench turn failed: ${JSON.stringify(res)}`);
  const llmMs = llm.requests.slice(before).reduce((s, r) => s + (r.serverMs ?? 0), 0);
  return { ms: ms - llmMs, llmMs };
}

async function main(): Promise<void> {
  const llm = await startFakeLlm({ fallback: { text: ['Hello', ' there.'], usage: { prompt_tokens: 50, completion_tokens: 3 } } });
  const opencode = await resolveOpenCodeBinary(process.env.PATH ?? '');
  if (!opencode) throw new Error('opencode-ai is not installed');
  const fakeScript = join(root, 'fake-acp.json');
  writeFileSync(fakeScript, JSON.stringify({ models: ['fake/fake-model'], fallback: { steps: [{ text: 'Hello there.' }] } }));

  const cases: Case[] = [
    {
      name: 'opencode serve',
      usesLlm: true,
      make: (l) => new OpenCodeBackend({ baseEnv: process.env, env, offline: true, config: opencodeConfig(l), defaultProvider: 'fake' }),
    },
    {
      name: 'acp: opencode acp',
      usesLlm: true,
      make: (l) =>
        new AcpBackend({
          name: 'opencode-acp',
          baseEnv: process.env,
          command: { command: opencode, args: ['acp'], env: { ...env, OPENCODE_CONFIG_CONTENT: JSON.stringify(opencodeConfig(l)) } },
        }),
    },
    {
      name: 'acp: fake agent',
      usesLlm: false,
      make: () => new AcpBackend({ name: 'fake', baseEnv: process.env, command: { command: process.execPath, args: [fakeAcpBin, '--script', fakeScript] } }),
    },
  ];

  const rows: Record<string, string | number>[] = [];
  for (const c of cases) {
    const first: number[] = [];
    const second: number[] = [];
    const llmTimes: number[] = [];
    // One discarded run first: the very first start in a fresh HOME also creates opencode's database.
    for (let i = -1; i < ITERATIONS; i++) {
      chat++;
      const start = nowMs();
      const backend = c.make(llm);
      try {
        const handle = await backend.ensureSession(
          { chatId: `bench-${chat}`, agent: 'bench' },
          { sessionId: `s-${chat}`, projectId: 'bench', root: repo, model: 'fake/fake-model', resumeToken: null, config: { title: 'bench' } },
        );
        const a = await turn(backend, handle, llm, start);
        // Same session, warm backend: only the turn itself.
        const b = await turn(backend, handle, llm, nowMs());
        if (i >= 0) {
          first.push(a.ms);
          second.push(b.ms);
          llmTimes.push(a.llmMs, b.llmMs);
        }
      } finally {
        await backend.dispose();
      }
    }
    const f = summarize(first);
    const s = summarize(second);
    rows.push({
      backend: c.name,
      'first turn p50 ms': f.p50,
      'second turn p50 ms': s.p50,
      'first/second': f.p50 / s.p50,
      'first mean ms': f.mean,
      'second mean ms': s.mean,
      'LLM ms/turn (subtracted)': c.usesLlm ? summarize(llmTimes).mean : 0,
      n: f.n,
    });
  }
  await llm.close();
  process.stdout.write(`warm-turn: ${ITERATIONS} iterations per backend (first = spawn + init + session + turn)\n\n${table(rows)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
