/**
 * Native-turn benchmark: how much time one native agent turn spends in BooCode's own code (AI SDK
 * loop, SSE parsing, event translation, tool execution, message building) as opposed to waiting for
 * the model. Drives a 10-step tool loop against the fake LLM over real HTTP and subtracts the fake
 * server's own time per request (which includes its scripted per-chunk delays).
 *
 *   node --conditions=source --import tsx bench/native-turn/run.ts [--iterations 30] [--steps 10] [--delay 2]
 *
 * Then the cost of one command (`run_command` of `true`) run directly and inside the bubblewrap
 * sandbox, in the same run, so the sandbox's overhead per command is the difference.
 *
 * The baseline, in the same run and interleaved with it: the same loop driven by the AI SDK alone
 * (same provider, same tools run the same way, nothing of BooCode's around them: no events, journal,
 * token counting or traces). BooCode's own work per step is the difference; the ratio is printed.
 *
 * Prints figures only; no assertions.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { stepCountIs, streamText, tool, zodSchema, type ToolSet } from 'ai';
import { NATIVE_TOOLS, NativeBackend, type ToolOutcome, probeSandbox, runCommandTool, runTool, SandboxSettings, type SandboxPolicy, type ToolContext } from '@boocode/agents';
import type { AgentEvent } from '@boocode/contracts';
import { removeScratch, scratchDir, startFakeLlm } from '@boocode/testkit';
import { tenStepScript } from './script.js';
import { summarize as summary, table } from '../lib/stats.js';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    steps: { type: 'string', default: '10' },
    delay: { type: 'string', default: '2' },
    commands: { type: 'string', default: '40' },
  },
});
const ITERATIONS = Number(args.iterations);
const WARMUP = Number(args.warmup);
const STEPS = Number(args.steps);
const CHUNK_DELAY_MS = Number(args.delay);
const COMMANDS = Number(args.commands);

async function makeRepo(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const base = scratchDir('boocode-bench-native-');
  await mkdir(path.join(base, 'src'));
  for (let i = 0; i < 40; i++) {
    const body = Array.from({ length: 50 }, (_, j) => `export const v${i}_${j} = ${j};`).join('\n');
    await writeFile(path.join(base, 'src', `mod${i}.ts`), `${body}\n`);
  }
  const git = (...a: string[]) => execFileSync('git', a, { cwd: base, stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=b', 'add', '-A');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=b', 'commit', '-q', '-m', 'init');
  return { root: base, cleanup: async () => removeScratch(base) };
}

interface Sample {
  /** Tool name -> ms spent in calls of it during this turn. */
  perTool: Map<string, number>;
  totalMs: number;
  llmServerMs: number;
  scriptedDelayMs: number;
  toolMs: number;
  requests: number;
}

async function main(): Promise<void> {
  const repo = await makeRepo();
  const llm = await startFakeLlm();
  const backend = new NativeBackend({
    defaults: { baseURL: llm.url, apiKey: 'bench', model: 'fake-model', maxRetries: 0, maxSteps: STEPS },
    baseEnv: process.env,
  });
  const handle = await backend.ensureSession(
    { chatId: 'bench', agent: 'native' },
    { sessionId: 'bench', projectId: 'bench', root: repo.root, model: null, resumeToken: null },
  );

  const samples: Sample[] = [];
  /** Overhead (total - LLM) of the same turn driven by the AI SDK alone. */
  const baseline: number[] = [];
  for (let it = 0; it < WARMUP + ITERATIONS; it++) {
    llm.push(...tenStepScript(STEPS, CHUNK_DELAY_MS));
    const firstReq = llm.requests.length;
    const toolStarts = new Map<string, { at: number; name: string }>();
    const perTool = new Map<string, number>();
    let toolMs = 0;
    const onEvent = (e: AgentEvent): void => {
      if (e.type === 'tool_call') toolStarts.set(e.id, { at: performance.now(), name: e.name });
      if (e.type === 'tool_update' && e.status !== 'running') {
        const start = toolStarts.get(e.id);
        if (!start) return;
        const ms = performance.now() - start.at;
        toolMs += ms;
        perTool.set(start.name, (perTool.get(start.name) ?? 0) + ms);
      }
    };
    const t0 = performance.now();
    const result = await backend.prompt(handle, { parts: [{ type: 'text', text: 'explore the project' }] }, { signal: new AbortController().signal, onEvent });
    const totalMs = performance.now() - t0;
    if (!result.ok || result.stop_reason !== 'end_turn') throw new Error(`turn failed: ${JSON.stringify(result)}`);
    const reqs = llm.requests.slice(firstReq);
    if (reqs.length !== STEPS) throw new Error(`expected ${STEPS} model calls, saw ${reqs.length}`);
    llm.push(...tenStepScript(STEPS, CHUNK_DELAY_MS));
    const baseReq = llm.requests.length;
    const b0 = performance.now();
    await sdkAloneTurn(llm.url, repo.root);
    const baseTotal = performance.now() - b0;
    const baseReqs = llm.requests.slice(baseReq);
    if (baseReqs.length !== STEPS) throw new Error(`baseline: expected ${STEPS} model calls, saw ${baseReqs.length}`);
    if (it < WARMUP) continue;
    baseline.push(baseTotal - baseReqs.reduce((a, r) => a + (r.serverMs ?? 0), 0));
    samples.push({
      perTool,
      totalMs,
      llmServerMs: reqs.reduce((a, r) => a + (r.serverMs ?? 0), 0),
      scriptedDelayMs: reqs.reduce((a, r) => a + r.scriptedDelayMs, 0),
      toolMs,
      requests: reqs.length,
    });
  }
  await backend.dispose();
  await llm.close();
  const commands = await commandCosts(repo.root);
  const direct = await directToolCosts(repo.root);
  await repo.cleanup();

  const fmt = (n: number) => n.toFixed(2);
  const row = (name: string, values: number[]) => {
    const s = summary(values);
    return { metric: name, p50: fmt(s.p50), p90: fmt(s.p90), min: fmt(s.min), max: fmt(s.max), mean: fmt(s.mean) };
  };
  const overhead = samples.map((s) => s.totalMs - s.llmServerMs);
  console.log(
    `native turn: ${STEPS}-step tool loop (${STEPS - 1} tool steps + final answer), ${ITERATIONS} iterations after ${WARMUP} warm-up, ` +
      `fake LLM chunk delay ${CHUNK_DELAY_MS} ms, node ${process.version}`,
  );
  console.log('all figures in ms per turn\n');
  console.log(
    table([
      row('turn total (wall clock)', samples.map((s) => s.totalMs)),
      row('fake LLM raw time (server side, all requests)', samples.map((s) => s.llmServerMs)),
      row('  of which scripted delays', samples.map((s) => s.scriptedDelayMs)),
      row('  of which fake LLM processing', samples.map((s) => s.llmServerMs - s.scriptedDelayMs)),
      row('BooCode orchestration overhead (total - LLM)', overhead),
      row('  per model step', overhead.map((o) => o / STEPS)),
      row('  of which tool execution (summed over calls)', samples.map((s) => s.toolMs)),
      row('  of which the rest (SDK loop, HTTP client, events)', samples.map((s, i) => overhead[i]! - s.toolMs)),
      row('baseline: AI SDK alone, same turn (total - LLM)', baseline),
      row('  per model step', baseline.map((b) => b / STEPS)),
      row("BooCode's own work per model step (overhead - baseline)", overhead.map((o, i) => (o - baseline[i]!) / STEPS)),
    ]),
  );
  const ours = summary(overhead).p50;
  const base = summary(baseline).p50;
  console.log(
    `\nper model step at p50: BooCode ${fmt(ours / STEPS)} ms, AI SDK alone ${fmt(base / STEPS)} ms, ` +
      `BooCode's own ${fmt((ours - base) / STEPS)} ms (${fmt(ours / base)}x the baseline)`,
  );
  const names = [...new Set(samples.flatMap((s) => [...s.perTool.keys()]))].sort();
  console.log('\ntool calls by tool (ms per turn, tool_call to tool_update, summed; parallel calls overlap; includes waiting for the rest of the model stream)\n');
  console.log(table(names.map((n) => row(n, samples.map((s) => s.perTool.get(n) ?? 0)))));

  console.log(`\neach tool run directly, ${COMMANDS} calls each (ms per call)\n`);
  console.log(table([...direct.tools].map(([n, xs]) => row(n, xs))));
  const rebuilt = summary(direct.schemasRebuilt).p50;
  const cached = summary(direct.schemasCached).p50;
  console.log(
    `\ntool input schemas for one model call: rebuilt from zod each call ${fmt(rebuilt)} ms, built once ${fmt(cached)} ms ` +
      `(p50; the saving per model step is the difference)`,
  );

  console.log(`\nrun_command of \`true\`, ${COMMANDS} calls each, interleaved (ms per call)\n`);
  if (!commands.sandboxed) {
    console.log(table([row('without sandbox', commands.direct)]));
    console.log(`sandbox unavailable here: ${commands.reason}`);
    return;
  }
  console.log(table([row('without sandbox', commands.direct), row('in the bubblewrap sandbox', commands.sandboxed)]));
  const d = summary(commands.direct).p50;
  const s = summary(commands.sandboxed).p50;
  console.log(`sandbox overhead per command: ${fmt(s - d)} ms at p50 (${fmt(s / d)}x the direct call)`);
}

/** The baseline's tools: the same schemas and the same tool code, called as the backend calls it. */
function sdkAloneTools(root: string): ToolSet {
  const set: ToolSet = {};
  for (const t of NATIVE_TOOLS) {
    set[t.name] = tool<unknown, ToolOutcome>({
      description: t.description,
      inputSchema: zodSchema(t.inputSchema),
      execute: (input, { abortSignal }) => runTool(t, input, { root, env: process.env, signal: abortSignal }),
      toModelOutput: ({ output }) => (output.ok ? { type: 'text', value: output.output } : { type: 'error-text', value: output.error }),
    });
  }
  return set;
}

let baselineTools: ToolSet | null = null;

/** The turn as the AI SDK runs it with nothing of BooCode around it: the stream is only drained. */
async function sdkAloneTurn(url: string, root: string): Promise<void> {
  baselineTools ??= sdkAloneTools(root);
  const model = createOpenAICompatible({ name: 'baseline', baseURL: url, apiKey: 'bench', includeUsage: true }).chatModel('fake-model');
  const result = streamText({
    model,
    system: 'You are a coding agent.',
    messages: [{ role: 'user', content: 'explore the project' }],
    tools: baselineTools,
    stopWhen: stepCountIs(STEPS),
    maxRetries: 0,
  });
  for await (const part of result.fullStream) if (part.type === 'error') throw part.error;
}

/**
 * Each read-only tool called directly, and the JSON Schema of every tool's input as the AI SDK
 * needs it for each model call: converted from zod every time, or converted once and reused.
 */
async function directToolCosts(root: string): Promise<{ tools: Map<string, number[]>; schemasRebuilt: number[]; schemasCached: number[] }> {
  const ctx: ToolContext = { root, env: process.env };
  const calls: [string, unknown][] = [
    ['read_file', { path: 'src/mod0.ts' }],
    ['list_dir', { path: 'src' }],
    ['glob', { pattern: '**/*.ts' }],
    ['grep', { pattern: 'export const v\\d+', path: 'src' }],
  ];
  const tools = new Map<string, number[]>();
  for (const [name, input] of calls) {
    const tool = NATIVE_TOOLS.find((t) => t.name === name)!;
    const xs: number[] = [];
    for (let i = 0; i < WARMUP + COMMANDS; i++) {
      const t0 = performance.now();
      await runTool(tool, input, ctx);
      if (i >= WARMUP) xs.push(performance.now() - t0);
    }
    tools.set(name, xs);
  }
  const once = NATIVE_TOOLS.map((t) => zodSchema(t.inputSchema));
  const schemasRebuilt: number[] = [];
  const schemasCached: number[] = [];
  for (let i = 0; i < WARMUP + COMMANDS; i++) {
    let t0 = performance.now();
    for (const t of NATIVE_TOOLS) void zodSchema(t.inputSchema).jsonSchema;
    const a = performance.now() - t0;
    t0 = performance.now();
    for (const s of once) void s.jsonSchema;
    const b = performance.now() - t0;
    if (i < WARMUP) continue;
    schemasRebuilt.push(a);
    schemasCached.push(b);
  }
  return { tools, schemasRebuilt, schemasCached };
}

/** Direct and sandboxed calls alternate, so machine load weighs on both alike. */
async function commandCosts(root: string): Promise<{ direct: number[]; sandboxed: number[] | null; reason: string | null }> {
  const probe = await probeSandbox(process.env.PATH ?? '');
  const policy: SandboxPolicy = { settings: SandboxSettings.parse({}), probe, hide: [] };
  const direct: ToolContext = { root, env: process.env };
  const boxed: ToolContext = { root, env: process.env, sandbox: policy };
  const time = async (ctx: ToolContext): Promise<number> => {
    const t0 = performance.now();
    const r = await runTool(runCommandTool, { command: 'true' }, ctx);
    if (!r.ok) throw new Error(r.error);
    return performance.now() - t0;
  };
  const out = { direct: [] as number[], sandboxed: probe.available ? ([] as number[]) : null, reason: probe.available ? null : probe.reason };
  for (let i = 0; i < WARMUP + COMMANDS; i++) {
    const a = await time(direct);
    const b = probe.available ? await time(boxed) : 0;
    if (i < WARMUP) continue;
    out.direct.push(a);
    out.sandboxed?.push(b);
  }
  return out;
}

await main();
