import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentEvent, AgentSessionHandle, TurnResult } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { OpenCodeBackend } from '../../src/opencode/index.js';
import { openCodeTestHome, type OpenCodeTestHome } from './env.js';

/** Real opencode (opencode-ai, `node_modules/.bin/opencode`) against the fake OpenAI-compatible LLM. */

let llm: FakeLlm;
let home: OpenCodeTestHome;
let backend: OpenCodeBackend;
let repo: string;
let chat = 0;

function newBackend(extra: Partial<ConstructorParameters<typeof OpenCodeBackend>[0]> = {}): OpenCodeBackend {
  return new OpenCodeBackend({
    baseEnv: process.env,
    env: home.env,
    config: home.config,
    offline: true,
    defaultProvider: 'fake',
    ...extra,
  });
}

async function session(b: OpenCodeBackend, root = repo, resumeToken: string | null = null): Promise<AgentSessionHandle> {
  chat++;
  return b.ensureSession(
    { chatId: `chat-${chat}`, agent: 'opencode' },
    {
      sessionId: `s-${chat}`,
      projectId: 'p',
      root,
      model: 'fake/fake-model',
      resumeToken,
      config: { title: `BooCode test chat ${chat}` },
    },
  );
}

interface Turn {
  result: TurnResult;
  events: AgentEvent[];
  text: string;
  reasoning: string;
}

async function run(
  b: OpenCodeBackend,
  handle: AgentSessionHandle,
  prompt: string,
  onEvent: (e: AgentEvent, ac: AbortController) => void = () => {},
): Promise<Turn> {
  const events: AgentEvent[] = [];
  const ac = new AbortController();
  const result = await b.prompt(
    handle,
    { parts: [{ type: 'text', text: prompt }] },
    {
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        onEvent(e, ac);
      },
    },
  );
  const join_ = (t: 'text' | 'reasoning'): string =>
    events.flatMap((e) => (e.type === t ? [e.text] : [])).join('');
  return { result, events, text: join_('text'), reasoning: join_('reasoning') };
}

/** An inactivity timeout no test waits out: its timers are fired by the test (see watchdogTimers). */
const WATCHDOG_MS = 3_600_017;

/**
 * The inactivity watchdog's timers, told apart by their delay: they are still scheduled (too far
 * ahead to fire), and recorded, so a test sees whether one is armed and fires it itself instead
 * of waiting a wall-clock period that a busy machine can stretch.
 */
function watchdogTimers(ms: number): { armed(): boolean; fire(): void; restore(): void } {
  const pending = new Map<NodeJS.Timeout, () => void>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: (...a: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    const handle = realSet(fn, delay, ...args);
    if (delay === ms) pending.set(handle, () => fn(...args));
    return handle;
  }) as typeof setTimeout);
  const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation((handle) => {
    pending.delete(handle as NodeJS.Timeout);
    realClear(handle);
  });
  return {
    armed: () => pending.size > 0,
    fire() {
      for (const [handle, fn] of [...pending]) {
        pending.delete(handle);
        realClear(handle);
        fn();
      }
    },
    restore() {
      set.mockRestore();
      clear.mockRestore();
    },
  };
}

beforeAll(async () => {
  llm = await startFakeLlm();
  home = openCodeTestHome(llm.url);
  repo = home.makeRepo('main');
  backend = newBackend();
});

afterAll(async () => {
  await backend?.dispose();
  await llm?.close();
  home?.cleanup();
});

// Starting opencode takes tens of seconds on a busy machine, and some tests start it twice.
describe('OpenCodeBackend against real opencode', { timeout: 120_000 }, () => {
  it('streams two turns in one opencode session on one warm server', async () => {
    const file = join(repo, 'hello.txt');
    llm.push(
      {
        match: { hasTools: true },
        reasoning: ['Let me ', 'think.'],
        text: ['I will ', 'read it.'],
        toolCalls: [{ name: 'read', arguments: { filePath: file } }],
        usage: { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 10, reasoning_tokens: 5 },
      },
      { match: { hasTools: true }, text: ['The file ', 'says hi.'], usage: { prompt_tokens: 150, completion_tokens: 8 } },
      { match: { hasTools: true, lastUserIncludes: 'again' }, text: ['Second ', 'answer.'], usage: { prompt_tokens: 200, completion_tokens: 4 } },
    );
    const handle = await session(backend);
    expect(handle.resumeToken).toMatch(/^ses_/);

    const t1 = await run(backend, handle, 'read hello.txt');
    expect(t1.result).toMatchObject({ ok: true, stop_reason: 'end_turn', resume_token: handle.resumeToken });
    expect(t1.text).toBe('I will read it.The file says hi.');
    // Real streaming: the text arrives in several deltas, not as one final blob.
    expect(t1.events.filter((e) => e.type === 'text').length).toBeGreaterThanOrEqual(4);
    // Reasoning streamed as deltas is not repeated when its final part update arrives.
    expect(t1.reasoning).toBe('Let me think.');

    const call = t1.events.find((e) => e.type === 'tool_call');
    expect(call).toMatchObject({ type: 'tool_call', name: 'read', input: { filePath: file } });
    const done = t1.events.find((e) => e.type === 'tool_update' && e.status === 'completed');
    expect(done).toMatchObject({ type: 'tool_update', id: call?.type === 'tool_call' ? call.id : '' });
    if (call?.type !== 'tool_call' || done?.type !== 'tool_update') throw new Error('tool events missing');
    expect(done.output).toContain('hi there');
    expect(Date.parse(done.finished_at!)).toBeGreaterThanOrEqual(Date.parse(call.started_at));

    const usage = t1.events.filter((e) => e.type === 'usage');
    expect(usage).toHaveLength(2);
    expect(usage[0]).toMatchObject({
      usage: { input_total: 100, no_cache: 90, cache_read: 10, cache_write: 0, output: 20, reasoning: 5 },
      model: 'fake-model',
      provider: 'fake',
    });
    expect(t1.result.usage).toEqual({ input_total: 250, no_cache: 240, cache_read: 10, cache_write: 0, output: 28, reasoning: 5 });

    const pid = backend.serverInfo()?.pid;
    const t2 = await run(backend, handle, 'say it again');
    expect(t2.result).toMatchObject({ ok: true, resume_token: handle.resumeToken });
    expect(t2.text).toBe('Second answer.');
    expect(backend.serverInfo()?.pid).toBe(pid);
    // Same opencode session: the second request carries the first turn's conversation.
    const last = llm.requests.at(-1)!;
    expect(JSON.stringify(last.messages)).toContain('The file says hi.');
    // The title given at creation spares opencode's title request: every request had tools.
    expect(llm.requests.every((r) => r.tools.length > 0)).toBe(true);
    // opencode's question tool is off: BooCode could not answer it.
    expect(llm.requests[0]!.tools.map((t) => t.name)).not.toContain('question');
  });

  it('reports opencode todo lists as plans', async () => {
    const todos = [
      { content: 'look around', status: 'completed', priority: 'high' },
      { content: 'fix it', status: 'in_progress', priority: 'medium' },
    ];
    llm.push(
      { match: { lastUserIncludes: 'plan it' }, toolCalls: [{ name: 'todowrite', arguments: { todos } }] },
      { match: { lastUserIncludes: 'plan it' }, text: 'Planned.' },
    );
    const handle = await session(backend);
    const t = await run(backend, handle, 'plan it');
    expect(t.result.ok).toBe(true);
    expect(t.events.find((e) => e.type === 'plan')).toEqual({ type: 'plan', entries: todos });
  });

  it('resumes a session from its resume token and starts a new one for an unknown token', async () => {
    llm.push(
      { match: { lastUserIncludes: 'remember' }, text: 'Noted: 42.' },
      { match: { lastUserIncludes: 'what was' }, text: 'It was 42.' },
    );
    const first = await session(backend);
    await run(backend, first, 'remember 42');
    await backend.closeSession(first);

    const resumed = await session(backend, repo, first.resumeToken);
    expect(resumed.resumeToken).toBe(first.resumeToken);
    const t = await run(backend, resumed, 'what was the number?');
    expect(t.text).toBe('It was 42.');
    expect(JSON.stringify(llm.requests.at(-1)!.messages)).toContain('Noted: 42.');

    const fresh = await session(backend, repo, 'ses_doesnotexist000000000000');
    expect(fresh.resumeToken).toMatch(/^ses_/);
    expect(fresh.resumeToken).not.toBe('ses_doesnotexist000000000000');
  });

  it('surfaces a permission request and runs the tool once it is allowed', async () => {
    llm.push(
      { match: { lastUserIncludes: 'write perm' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo perm-ok > perm.txt', description: 'write' } }] },
      { match: { lastUserIncludes: 'write perm' }, text: 'Written.' },
    );
    const handle = await session(backend);
    const t = await run(backend, handle, 'write perm file', (e) => {
      if (e.type === 'permission_request') e.respond({ outcome: 'selected', option_id: 'once', kind: 'allow_once' });
    });
    expect(t.result.ok).toBe(true);
    const perm = t.events.find((e) => e.type === 'permission_request');
    if (perm?.type !== 'permission_request') throw new Error('no permission request');
    expect(perm.request.kind).toBe('execute');
    expect(perm.request.title).toContain('echo perm-ok');
    const call = t.events.find((e) => e.type === 'tool_call');
    expect(call?.type === 'tool_call' && call.id).toBe(perm.request.tool_call_id);
    expect(t.events.findIndex((e) => e === call)).toBeLessThan(t.events.indexOf(perm));
    expect(t.events.some((e) => e.type === 'tool_update' && e.status === 'completed')).toBe(true);
    expect(readFileSync(join(repo, 'perm.txt'), 'utf8').trim()).toBe('perm-ok');
    expect(t.text).toBe('Written.');
  });

  it('reports a rejected permission as a failed tool and does not run it', async () => {
    llm.push({ match: { lastUserIncludes: 'reject me' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo nope > rejected.txt', description: 'write' } }] });
    const handle = await session(backend);
    const t = await run(backend, handle, 'reject me', (e) => {
      if (e.type === 'permission_request') e.respond({ outcome: 'selected', option_id: 'reject', kind: 'reject_once' });
    });
    expect(t.events.some((e) => e.type === 'tool_update' && e.status === 'failed')).toBe(true);
    expect(existsSync(join(repo, 'rejected.txt'))).toBe(false);
  });

  it('aborts a running turn, and the session stays usable', async () => {
    llm.push(
      { match: { lastUserIncludes: 'slow' }, text: Array.from({ length: 40 }, (_, i) => `w${i} `), chunkDelayMs: 100 },
      { match: { lastUserIncludes: 'after abort' }, text: 'Fine again.' },
    );
    const handle = await session(backend);
    const t = await run(backend, handle, 'be slow', (e, ac) => {
      if (e.type === 'text' && !ac.signal.aborted) ac.abort();
    });
    expect(t.result).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(t.text.length).toBeGreaterThan(0);
    expect(t.text).not.toContain('w39');
    const after = await run(backend, handle, 'after abort');
    expect(after.result.ok).toBe(true);
    expect(after.text).toBe('Fine again.');
  });

  it('does not send a prompt cancelled while the server and session were being readied', async () => {
    llm.push(
      { match: { lastUserIncludes: 'cancelled early' }, text: 'Should not run.' },
      { match: { lastUserIncludes: 'after the early cancel' }, text: 'Later.' },
    );
    const handle = await session(backend);
    const events: AgentEvent[] = [];
    const ac = new AbortController();
    const pending = backend.prompt(handle, { parts: [{ type: 'text', text: 'cancelled early' }] }, { signal: ac.signal, onEvent: (e) => events.push(e) });
    // prompt() is now waiting for the server, the session check and the event stream.
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(events.filter((e) => e.type === 'text')).toEqual([]);
    const after = await run(backend, handle, 'after the early cancel');
    expect(after.text).toBe('Later.');
    expect(llm.requests.some((r) => r.lastUserText.includes('cancelled early'))).toBe(false);
  });

  it('loses and doubles nothing when the event stream reconnects mid-turn', async () => {
    const first = Array.from({ length: 15 }, (_, i) => `r${i} `);
    const second = Array.from({ length: 15 }, (_, i) => `r${i + 15} `);
    llm.push(
      {
        match: { lastUserIncludes: 'reconnect' },
        text: first,
        chunkDelayMs: 60,
        toolCalls: [{ name: 'read', arguments: { filePath: join(repo, 'hello.txt') } }],
      },
      { match: { lastUserIncludes: 'reconnect' }, text: second, chunkDelayMs: 60 },
    );
    const handle = await session(backend);
    const drops: string[] = [];
    const t = await run(backend, handle, 'reconnect test', (e) => {
      if (e.type !== 'text') return;
      if ((e.text === 'r5 ' && drops.length === 0) || (e.text === 'r20 ' && drops.length === 1)) {
        drops.push(e.text);
        backend.reconnectEvents();
      }
    });
    expect(drops).toEqual(['r5 ', 'r20 ']);
    expect(t.result.ok).toBe(true);
    expect(t.text).toBe([...first, ...second].join(''));
    // The part opened after the first gap streamed live again, delta by delta, until the second gap.
    expect(t.events.some((e) => e.type === 'text' && e.text === 'r16 ')).toBe(true);
    expect(t.events.filter((e) => e.type === 'tool_call')).toHaveLength(1);
  });

  it('fails a turn whose provider errors, with a readable message', async () => {
    llm.push({ match: { lastUserIncludes: 'bad request' }, error: { status: 400, body: { error: { message: 'model says no' } } } });
    const handle = await session(backend);
    const t = await run(backend, handle, 'bad request please');
    expect(t.result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'provider_error' } });
    expect(t.result.error?.message).toContain('model says no');
  });

  it('keeps sessions in different worktrees apart', async () => {
    const other = home.makeRepo('other');
    llm.push(
      { match: { lastUserIncludes: 'left' }, text: ['L1 ', 'L2 ', 'L3'], chunkDelayMs: 40 },
      { match: { lastUserIncludes: 'right' }, text: ['R1 ', 'R2 ', 'R3'], chunkDelayMs: 40 },
    );
    const [a, b] = await Promise.all([session(backend, repo), session(backend, other)]);
    const [ta, tb] = await Promise.all([run(backend, a, 'left'), run(backend, b, 'right')]);
    expect(ta.text).toBe('L1 L2 L3');
    expect(tb.text).toBe('R1 R2 R3');
    expect(b.root).toBe(other);
  });

  it('fails a silent turn through the inactivity watchdog', async () => {
    const quick = newBackend({ inactivityTimeoutMs: 2_000 });
    try {
      llm.push({ match: { lastUserIncludes: 'stall' }, text: ['a', 'b', 'c'], stallAfter: 2 });
      const handle = await session(quick);
      const t = await run(quick, handle, 'stall now');
      expect(t.result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'timeout' } });
    } finally {
      await quick.dispose();
    }
  });

  it('lets a permission wait for the user longer than the inactivity timeout', async () => {
    const watchdog = watchdogTimers(WATCHDOG_MS);
    const quick = newBackend({ inactivityTimeoutMs: WATCHDOG_MS });
    try {
      llm.push(
        { match: { lastUserIncludes: 'slow human' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo waited > waited.txt', description: 'write' } }] },
        { match: { lastUserIncludes: 'slow human' }, text: 'Waited.' },
      );
      const handle = await session(quick);
      const armed: boolean[] = [];
      const t = await run(quick, handle, 'slow human', (e) => {
        if (e.type !== 'permission_request') return;
        // Nothing may be armed while the user decides: then no wait, however long, fails the turn.
        armed.push(watchdog.armed());
        e.respond({ outcome: 'selected', option_id: 'once', kind: 'allow_once' });
        // The answer starts a full period again.
        armed.push(watchdog.armed());
      });
      expect(armed).toEqual([false, true]);
      expect(t.result).toMatchObject({ ok: true, stop_reason: 'end_turn' });
      expect(readFileSync(join(repo, 'waited.txt'), 'utf8').trim()).toBe('waited');
      expect(t.text).toBe('Waited.');
    } finally {
      watchdog.restore();
      await quick.dispose();
    }
  });

  it('fails a turn whose watchdog fires while no permission waits', async () => {
    const watchdog = watchdogTimers(WATCHDOG_MS);
    const quick = newBackend({ inactivityTimeoutMs: WATCHDOG_MS });
    try {
      llm.push({ match: { lastUserIncludes: 'fire the watchdog' }, text: ['a', 'b', 'c'], stallAfter: 2 });
      const handle = await session(quick);
      const t = await run(quick, handle, 'fire the watchdog', (e) => {
        // opencode went quiet after this (the LLM stalls): as if the whole period had passed.
        if (e.type === 'text') watchdog.fire();
      });
      expect(t.result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'timeout' } });
    } finally {
      watchdog.restore();
      await quick.dispose();
    }
  });

  it('fails the turn when opencode dies, then restarts it and resumes the same session', async () => {
    const own = newBackend();
    try {
      llm.push(
        { match: { lastUserIncludes: 'before crash' }, text: 'Before.' },
        { match: { lastUserIncludes: 'during crash' }, text: Array.from({ length: 50 }, () => 'x'), chunkDelayMs: 100 },
        { match: { lastUserIncludes: 'after crash' }, text: 'After.' },
      );
      const handle = await session(own);
      await run(own, handle, 'before crash');
      const pid = own.serverInfo()!.pid;
      const t = await run(own, handle, 'during crash', (e) => {
        if (e.type === 'text') process.kill(-pid, 'SIGKILL');
      });
      expect(t.result).toMatchObject({ ok: false, error: { code: 'agent_crashed' } });
      expect((await own.health()).status).toBe('down');

      const after = await run(own, handle, 'after crash');
      expect(after.result).toMatchObject({ ok: true, resume_token: handle.resumeToken });
      expect(own.serverInfo()!.pid).not.toBe(pid);
      expect(JSON.stringify(llm.requests.at(-1)!.messages)).toContain('Before.');
    } finally {
      await own.dispose();
    }
  });

  it('adds the default provider to a bare model id, and refuses one without a default', async () => {
    llm.push({ match: { lastUserIncludes: 'bare model' }, text: 'ok' });
    const handle = await session(backend);
    const t = await run(backend, { ...handle, model: 'fake-model' }, 'bare model');
    expect(t.result.ok).toBe(true);

    const noDefault = newBackend({ defaultProvider: null });
    try {
      const h = await session(noDefault);
      const bad = await run(noDefault, { ...h, model: 'fake-model' }, 'never sent');
      expect(bad.result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(bad.result.error?.message).toContain('no provider prefix');
    } finally {
      await noDefault.dispose();
    }
  });

  it("starts opencode with its configured env and provider keys, but not BooCode's DATABASE_URL or BOOCODE_*", async () => {
    const inherited = { DATABASE_URL: 'postgres://boocode:hunter2@db/boocode', BOOCODE_TEST_TOKENLESS: 'ours', BC_TEST_PROVIDER_API_KEY: 'sk-agent' };
    const saved = Object.fromEntries(Object.keys(inherited).map((k) => [k, process.env[k]]));
    Object.assign(process.env, inherited);
    const own = newBackend({ env: { ...home.env, BOOCODE_OPENCODE_SETTING: 'configured' } });
    try {
      await session(own);
      const environ = readFileSync(`/proc/${own.serverInfo()!.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain('BC_TEST_PROVIDER_API_KEY=sk-agent');
      expect(environ).toContain('BOOCODE_OPENCODE_SETTING=configured');
      expect(environ.join('\n')).not.toContain('hunter2');
      expect(environ.join('\n')).not.toContain('BOOCODE_TEST_TOKENLESS');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await own.dispose();
    }
  });

  it('never installs a provider package at run time', () => {
    // The provider's npm package is bundled in the opencode binary; a run-time install would have
    // gone to the dead registry and left a node_modules tree in opencode's cache or data dir.
    const found: string[] = [];
    const walk = (dir: string, depth: number): void => {
      if (!existsSync(dir) || depth > 4) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        if (e.name === 'node_modules') found.push(join(dir, e.name));
        else walk(join(dir, e.name), depth + 1);
      }
    };
    walk(join(home.root, 'xdg'), 0);
    walk(join(home.root, 'home'), 0);
    expect(found).toEqual([]);
  });
});
