import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentSessionHandle, TurnResult } from '@boocode/contracts';
import { fakePaseoBin, type FakePaseoScript, type FakePaseoState } from '@boocode/testkit';
import { PaseoBackend } from '../../src/paseo/index.js';

/** The Paseo backend driving the fake `paseo` executable (testkit) as a real child process. */

const base = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-paseo-')));
let dir: string;
let n = 0;

beforeEach(() => {
  dir = join(base, `case-${++n}`);
  mkdirSync(join(dir, 'worktree'), { recursive: true });
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

function backend(script: FakePaseoScript = {}, bin = fakePaseoBin, scriptName = 'script.json'): PaseoBackend {
  writeFileSync(join(dir, scriptName), JSON.stringify(script));
  return new PaseoBackend({
    bin,
    baseEnv: process.env,
    provider: 'claude',
    env: {
      FAKE_PASEO_STATE: join(dir, 'state.json'),
      FAKE_PASEO_SCRIPT: join(dir, scriptName),
      FAKE_PASEO_LOG: join(dir, 'log.jsonl'),
    },
  });
}

const state = (): FakePaseoState => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as FakePaseoState;
const calls = (): string[][] =>
  readFileSync(join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);

function ensure(b: PaseoBackend, resumeToken: string | null = null): Promise<AgentSessionHandle> {
  return b.ensureSession(
    { chatId: 'chat-1', agent: 'paseo' },
    { sessionId: 'sess-1', projectId: 'proj-1', root: join(dir, 'worktree'), model: null, resumeToken },
  );
}

async function run(
  b: PaseoBackend,
  h: AgentSessionHandle,
  parts: Parameters<PaseoBackend['prompt']>[1]['parts'],
  onEvent: (e: AgentEvent, ac: AbortController) => void = () => {},
): Promise<{ result: TurnResult; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const ac = new AbortController();
  const result = await b.prompt(h, { parts }, {
    signal: ac.signal,
    onEvent: (e) => {
      events.push(e);
      onEvent(e, ac);
    },
  });
  return { result, events };
}

const text = (events: AgentEvent[]): string => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');

describe('PaseoBackend with the fake paseo CLI', () => {
  it('imports an agent with labels and keeps its id as the resume token', async () => {
    const b = backend();
    const h = await ensure(b);
    expect(h.resumeToken).toMatch(/^[0-9a-f-]{36}$/);
    const [agent] = state().agents;
    expect(agent).toMatchObject({
      id: h.resumeToken,
      provider: 'claude',
      cwd: join(dir, 'worktree'),
      importedSessionId: 'sess-1',
      labels: { origin: 'boocode', project: 'proj-1', chat: 'chat-1', session: 'sess-1', agent: 'paseo' },
    });
    // Resuming with the token finds the agent instead of importing another one.
    const again = await ensure(b, h.resumeToken);
    expect(again.resumeToken).toBe(h.resumeToken);
    expect(calls().filter((c) => c[0] === 'import')).toHaveLength(1);
    expect(calls().some((c) => c[0] === 'inspect')).toBe(true);
  });

  it('streams the answer line by line and reports the usage paseo recorded', async () => {
    const b = backend({
      replies: [{ lines: ['Hello there.', 'Second line.', 'Third.'], delayMs: 30, usage: { inputTokens: 500, outputTokens: 40, cachedInputTokens: 100, totalCostUsd: 0.02 } }],
    });
    const h = await ensure(b);
    const { result, events } = await run(b, h, [{ type: 'text', text: 'hi' }]);
    expect(result).toMatchObject({ ok: true, stop_reason: 'end_turn', resume_token: h.resumeToken });
    expect(events.filter((e) => e.type === 'text')).toHaveLength(3);
    expect(text(events)).toBe('Hello there.\nSecond line.\nThird.');
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { input_total: 500, no_cache: 400, cache_read: 100, output: 40 },
      cost: 0.02,
      provider: 'claude',
    });
    expect(result.usage.output).toBe(40);
  });

  it('passes a prompt that looks like a flag as the prompt, and images as files', async () => {
    const b = backend({ replies: [{ lines: ['ok'] }] });
    const h = await ensure(b);
    const { result } = await run(b, h, [
      { type: 'text', text: '--help me with this' },
      { type: 'image', mime_type: 'image/png', data: 'iVBORw0KGgo=' },
    ]);
    expect(result.ok).toBe(true);
    expect(state().agents[0]?.prompts).toEqual(['--help me with this [images: 1]']);
    const send = calls().find((c) => c[0] === 'send')!;
    expect(send.slice(send.indexOf('--'))).toEqual(['--', h.resumeToken, '--help me with this']);
  });

  it('turns a failing send into a readable turn error with the CLI message and exit code', async () => {
    const b = backend({ replies: [{ lines: ['partial'], exitCode: 3, stderr: 'Error: provider exploded' }] });
    const h = await ensure(b);
    const { result, events } = await run(b, h, [{ type: 'text', text: 'go' }]);
    expect(text(events)).toBe('partial');
    expect(result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'agent_error' } });
    expect(result.error?.message).toBe('paseo send exited with 3: provider exploded');
  });

  it('says the daemon is down, in ensureSession, prompt and health', async () => {
    const up = backend();
    const h = await ensure(up);
    const down = backend({ daemonDown: true }, fakePaseoBin, 'down.json');
    await expect(ensure(down)).rejects.toThrow(/Cannot connect to daemon/);
    const { result } = await run(down, h, [{ type: 'text', text: 'hi' }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'network' } });
    expect(result.error?.message).toContain('paseo daemon start');
    expect(await down.health()).toMatchObject({ status: 'down' });
    expect(await up.health()).toEqual({ status: 'up' });
  });

  it('reports an unknown agent id as a readable error', async () => {
    const b = backend({ replies: [{ lines: ['never'] }] });
    const h = await ensure(b);
    const { result } = await run(b, { ...h, resumeToken: 'no-such-agent' }, [{ type: 'text', text: 'hi' }]);
    expect(result.error?.message).toBe('paseo send exited with 1: Agent not found: no-such-agent');
  });

  it('imports a new agent when the stored one was archived', async () => {
    const b = backend();
    const h = await ensure(b);
    await b.closeSession(h);
    const again = await ensure(b, h.resumeToken);
    expect(again.resumeToken).not.toBe(h.resumeToken);
  });

  it('archives the agent when the session closes', async () => {
    const b = backend();
    const h = await ensure(b);
    await b.closeSession(h);
    expect(state().agents[0]?.archivedAt).not.toBeNull();
    expect(calls().at(-1)).toEqual(['archive', '--json', '--', h.resumeToken]);
  });

  it('keeps the agent (not archived) when the session is only released', async () => {
    const b = backend({ replies: [{ lines: ['again'] }] });
    const h = await ensure(b);
    await b.releaseSession(h);
    expect(state().agents[0]?.archivedAt).toBeNull();
    const again = await ensure(b, h.resumeToken);
    expect(again.resumeToken).toBe(h.resumeToken);
    expect((await run(b, again, [{ type: 'text', text: 'hi' }])).result.ok).toBe(true);
  });

  it('cancels a running turn with paseo stop', async () => {
    const b = backend({ replies: [{ lines: Array.from({ length: 50 }, (_, i) => `line ${i}`), delayMs: 100 }] });
    const h = await ensure(b);
    const { result, events } = await run(b, h, [{ type: 'text', text: 'long' }], (e, ac) => {
      if (e.type === 'text') ac.abort();
    });
    expect(result).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(text(events)).not.toContain('line 49');
    expect(calls().some((c) => c[0] === 'stop' && c.includes(h.resumeToken!))).toBe(true);
  });

  it('does not send a prompt cancelled while its images were being written', async () => {
    const b = backend();
    const h = await ensure(b);
    const ac = new AbortController();
    const parts: Parameters<PaseoBackend['prompt']>[1]['parts'] = [
      { type: 'text', text: 'cancelled early' },
      { type: 'image', mime_type: 'image/png', data: 'iVBORw0KGgo=' },
    ];
    const pending = b.prompt(h, { parts }, { signal: ac.signal, onEvent: () => {} });
    // prompt() is now writing the image files `paseo send` takes.
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(calls().filter((c) => c[0] === 'send')).toEqual([]);
  });

  it('reports a missing paseo executable clearly', async () => {
    const b = backend({}, join(dir, 'no-such-paseo'));
    await expect(ensure(b)).rejects.toThrow(/cannot run .*no-such-paseo/);
    expect(await b.health()).toMatchObject({ status: 'down' });
  });

  it("runs paseo with its configured env and provider keys, but not BooCode's DATABASE_URL or BOOCODE_*", async () => {
    // A real executable in front of the fake CLI that records the environment it was given.
    const wrapper = join(dir, 'paseo-env');
    writeFileSync(wrapper, `#!/bin/sh\nenv > '${join(dir, 'env.txt')}'\nexec '${fakePaseoBin}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const inherited = { DATABASE_URL: 'postgres://boocode:hunter2@db/boocode', BOOCODE_TEST_TOKENLESS: 'ours', BC_TEST_PROVIDER_API_KEY: 'sk-agent' };
    const saved = Object.fromEntries(Object.keys(inherited).map((k) => [k, process.env[k]]));
    Object.assign(process.env, inherited);
    try {
      await ensure(backend({}, wrapper));
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const env = readFileSync(join(dir, 'env.txt'), 'utf8');
    expect(env).toContain('BC_TEST_PROVIDER_API_KEY=sk-agent');
    expect(env).toContain(`FAKE_PASEO_STATE=${join(dir, 'state.json')}`);
    expect(env).not.toContain('hunter2');
    expect(env).not.toContain('BOOCODE_TEST_TOKENLESS');
  });
});
