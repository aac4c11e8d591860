import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentSessionHandle, TurnResult } from '@boocode/contracts';
import { fakeAcpBin, type FakeAcpScript } from '@boocode/testkit';
import { AcpBackend } from '../../src/acp/index.js';

/** The ACP backend against the fake ACP agent (testkit), run as a real child process over stdio. */

let dir: string;
let root: string;
const backends: AcpBackend[] = [];
let n = 0;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'boocode-acp-')));
  root = join(dir, 'worktree');
  mkdirSync(root);
  writeFileSync(join(root, 'notes.txt'), 'line one\nline two\nline three\n');
  writeFileSync(join(dir, 'secret.txt'), 'outside the worktree\n');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'escape.txt'));
});

afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.dispose()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Setup {
  backend: AcpBackend;
  handle: AgentSessionHandle;
  /** Requests the fake agent received, in order. */
  log(): { method: string; params: Record<string, unknown> }[];
}

async function setup(
  script: FakeAcpScript,
  opts: { model?: string | null; mode?: string; resumeToken?: string | null } = {},
): Promise<Setup> {
  n++;
  const stateFile = join(dir, `state-${n}.json`);
  const logFile = join(dir, `log-${n}.jsonl`);
  const scriptFile = join(dir, `script-${n}.json`);
  writeFileSync(scriptFile, JSON.stringify({ stateFile, logFile, ...script }));
  const backend = new AcpBackend({
    name: 'fake-acp',
    command: { command: process.execPath, args: [fakeAcpBin, '--script', scriptFile] },
    baseEnv: process.env,
    cancelGraceMs: 3_000,
  });
  backends.push(backend);
  const handle = await backend.ensureSession(
    { chatId: `chat-${n}`, agent: 'fake-acp' },
    {
      sessionId: 's',
      projectId: 'p',
      root,
      model: opts.model ?? null,
      resumeToken: opts.resumeToken ?? null,
      config: opts.mode ? { mode: opts.mode } : {},
    },
  );
  return {
    backend,
    handle,
    log: () =>
      readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { method: string; params: Record<string, unknown> }),
  };
}

async function run(
  s: Setup,
  prompt: string,
  onEvent: (e: AgentEvent, ac: AbortController) => void = () => {},
  extra: { image?: boolean } = {},
): Promise<{ result: TurnResult; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const ac = new AbortController();
  const parts: Parameters<AcpBackend['prompt']>[1]['parts'] = [{ type: 'text', text: prompt }];
  if (extra.image) parts.push({ type: 'image', mime_type: 'image/png', data: 'iVBORw0KGgo=' });
  const result = await s.backend.prompt(s.handle, { parts }, {
    signal: ac.signal,
    onEvent: (e) => {
      events.push(e);
      onEvent(e, ac);
    },
  });
  return { result, events };
}

const texts = (events: AgentEvent[], type: 'text' | 'reasoning'): string =>
  events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');

describe('AcpBackend with the fake ACP agent', () => {
  it('translates thoughts, text, plans, tools with permission, client fs reads and usage', async () => {
    const s = await setup({
      commands: [{ name: 'review', description: 'review changes' }],
      turns: [
        {
          steps: [
            { thought: 'Thinking ' },
            { thought: 'hard.' },
            { plan: [{ content: 'read notes', status: 'in_progress', priority: 'high' }, { content: 'answer', status: 'pending' }] },
            { tool: { id: 't1', title: 'Read notes', kind: 'read', input: { path: join(root, 'notes.txt') }, permission: true, readFile: join(root, 'notes.txt') } },
            { plan: [{ content: 'read notes', status: 'completed', priority: 'high' }, { content: 'answer', status: 'completed' }] },
            { text: 'The notes ' },
            { text: 'have three lines.' },
          ],
          usage: { inputTokens: 120, outputTokens: 30, cachedReadTokens: 20, thoughtTokens: 7 },
        },
      ],
    });
    expect(s.handle.resumeToken).toMatch(/^fake_/);
    const { result, events } = await run(s, 'summarize the notes', (e) => {
      if (e.type === 'permission_request') e.respond({ outcome: 'selected', option_id: 'allow', kind: 'allow_once' });
    });
    expect(result).toMatchObject({ ok: true, stop_reason: 'end_turn', resume_token: s.handle.resumeToken });
    expect(texts(events, 'reasoning')).toBe('Thinking hard.');
    expect(texts(events, 'text')).toBe('The notes have three lines.');
    const plans = events.filter((e) => e.type === 'plan');
    expect(plans).toHaveLength(2);
    expect(plans[1]).toMatchObject({ entries: [{ content: 'read notes', status: 'completed' }, { status: 'completed' }] });
    const types = events.map((e) => e.type);
    expect(types.indexOf('tool_call')).toBeLessThan(types.indexOf('permission_request'));
    const perm = events.find((e) => e.type === 'permission_request');
    expect(perm).toMatchObject({ request: { tool_call_id: 't1', kind: 'read', title: 'Read notes' } });
    const done = events.find((e) => e.type === 'tool_update' && e.status === 'completed');
    expect(done).toMatchObject({ id: 't1', output: 'line one\nline two\nline three\n' });
    expect(events.find((e) => e.type === 'commands')).toMatchObject({ commands: [{ name: 'review', description: 'review changes' }] });
    expect(events.find((e) => e.type === 'usage')).toMatchObject({
      usage: { input_total: 120, no_cache: 100, cache_read: 20, output: 30, reasoning: 7 },
    });
    expect(result.usage.input_total).toBe(120);
    // BooCode offered file access, confined to the worktree.
    expect(s.log()[0]).toMatchObject({ method: 'initialize', params: { clientCapabilities: { fs: { readTextFile: true, writeTextFile: true } } } });
  });

  it('normalizes the usage shapes agents send: disjoint counts, and cache beyond the input', async () => {
    const s = await setup({
      turns: [
        // Disjoint (opencode acp): the total is the plain sum of every count.
        { match: 'disjoint', usage: { inputTokens: 40, cachedReadTokens: 50, cachedWriteTokens: 10, outputTokens: 12, thoughtTokens: 3, totalTokens: 115 } },
        // Anthropic style: input without the cache, output with the thought tokens.
        { match: 'anthropic', usage: { inputTokens: 5, cachedReadTokens: 100, cachedWriteTokens: 20, outputTokens: 30, thoughtTokens: 7, totalTokens: 155 } },
      ],
    });
    const disjoint = await run(s, 'disjoint');
    expect(disjoint.result.usage).toEqual({ input_total: 100, no_cache: 40, cache_read: 50, cache_write: 10, output: 15, reasoning: 3 });
    const anthropic = await run(s, 'anthropic');
    expect(anthropic.result.usage).toEqual({ input_total: 125, no_cache: 5, cache_read: 100, cache_write: 20, output: 30, reasoning: 7 });
  });

  it("reads qwen-code's and gemini-cli's usage shapes, and reports none when the agent sends none", async () => {
    const s = await setup({
      turns: [
        // qwen-code: each model call's usage on a message chunk's `_meta.usage`, no PromptResponse.usage.
        {
          match: 'qwen',
          steps: [
            { text: 'Looking. ', metaUsage: { inputTokens: 100, outputTokens: 10, cachedReadTokens: 40 } },
            { text: 'Done.', metaUsage: { inputTokens: 130, outputTokens: 5, cachedReadTokens: 100 } },
          ],
        },
        // gemini-cli: `_meta.quota.token_count` on the prompt response.
        { match: 'gemini', steps: [{ text: 'ok' }], quota: { input_tokens: 321, output_tokens: 12 } },
        { match: 'silent', steps: [{ text: 'ok' }] },
      ],
    });
    const qwen = await run(s, 'qwen');
    expect(qwen.result.usage).toEqual({ input_total: 230, no_cache: 90, cache_read: 140, cache_write: 0, output: 15, reasoning: 0 });
    expect(qwen.events.filter((e) => e.type === 'usage')).toHaveLength(1);
    expect(texts(qwen.events, 'text')).toBe('Looking. Done.');
    const gemini = await run(s, 'gemini');
    expect(gemini.result.usage).toEqual({ input_total: 321, no_cache: 321, cache_read: 0, cache_write: 0, output: 12, reasoning: 0 });
    expect(gemini.events.find((e) => e.type === 'usage')).toMatchObject({ raw: { quota: { token_count: { input_tokens: 321 } } } });
    const silent = await run(s, 'silent');
    expect(silent.events.some((e) => e.type === 'usage')).toBe(false);
  });

  it('takes a tool input sent after an empty announcement, and names tools by name or kind rather than title', async () => {
    const s = await setup({
      turns: [
        {
          steps: [
            // claude-agent-acp / qwen-code / opencode acp: `rawInput: {}` first, the real input later.
            { tool: { id: 'b1', title: 'run a command', kind: 'execute', input: { command: 'ls -la' }, inputLater: true, output: 'x' } },
            { tool: { id: 'n1', title: 'Read notes.txt', kind: 'read', name: 'read_file', input: { path: 'notes.txt' }, output: 'y' } },
            { tool: { id: 'o1', title: 'Something custom', kind: 'other', input: { a: 1 }, output: 'z' } },
          ],
        },
      ],
    });
    const { events } = await run(s, 'tools');
    const calls = events.filter((e) => e.type === 'tool_call');
    expect(calls.map((e) => [e.id, e.name])).toEqual([['b1', 'execute'], ['n1', 'read_file'], ['o1', 'Something custom']]);
    expect(calls[0]).toMatchObject({ input: {} });
    // The real input arrives as an update, and is not overwritten afterwards.
    const b1 = events.filter((e) => e.type === 'tool_update' && e.id === 'b1');
    expect(b1.find((e) => e.type === 'tool_update' && e.input)).toMatchObject({ input: { command: 'ls -la' } });
    expect(b1.at(-1)).toMatchObject({ status: 'completed', output: 'x' });
  });

  it('keeps the process and session warm across turns', async () => {
    const s = await setup({ turns: [{ steps: [{ text: 'one' }] }, { steps: [{ text: 'two' }] }] });
    const pid = s.backend.processInfo(s.handle.key)?.pid;
    const a = await run(s, 'first');
    const b = await run(s, 'second');
    expect(texts(a.events, 'text')).toBe('one');
    expect(texts(b.events, 'text')).toBe('two');
    expect(b.result.resume_token).toBe(a.result.resume_token);
    expect(s.backend.processInfo(s.handle.key)?.pid).toBe(pid);
    expect(s.log().filter((l) => l.method === 'session/new')).toHaveLength(1);
  });

  it('reports a rejected permission as a failed tool', async () => {
    const s = await setup({
      turns: [{ steps: [{ tool: { id: 'w1', title: 'Write file', kind: 'edit', permission: true, writeFile: { path: join(root, 'new.txt'), content: 'x' } } }, { text: 'ok' }] }],
    });
    const { result, events } = await run(s, 'write it', (e) => {
      if (e.type === 'permission_request') e.respond({ outcome: 'selected', option_id: 'deny', kind: 'reject_once' });
    });
    expect(result.ok).toBe(true);
    expect(events.find((e) => e.type === 'tool_update' && e.status === 'failed')).toMatchObject({ id: 'w1', error: 'permission rejected by the user' });
    expect(() => readFileSync(join(root, 'new.txt'))).toThrow();
  });

  it('writes through the client inside the worktree when allowed', async () => {
    const target = join(root, 'sub', 'made.txt');
    const s = await setup({ turns: [{ steps: [{ tool: { id: 'w2', title: 'Write', kind: 'edit', permission: true, writeFile: { path: target, content: 'made by agent' } } }] }] });
    await run(s, 'write', (e) => {
      if (e.type === 'permission_request') e.respond({ outcome: 'selected', option_id: 'allow', kind: 'allow_once' });
    });
    expect(readFileSync(target, 'utf8')).toBe('made by agent');
  });

  it('refuses file access outside the worktree, also through a symlink', async () => {
    const s = await setup({
      turns: [
        {
          steps: [
            { tool: { id: 'r1', title: 'read secret', kind: 'read', readFile: join(dir, 'secret.txt') } },
            { tool: { id: 'r2', title: 'read via link', kind: 'read', readFile: join(root, 'escape.txt') } },
            { tool: { id: 'r3', title: 'write outside', kind: 'edit', writeFile: { path: join(dir, 'planted.txt'), content: 'x' } } },
          ],
        },
      ],
    });
    const { events } = await run(s, 'escape');
    const failed = events.filter((e) => e.type === 'tool_update' && e.status === 'failed');
    expect(failed.map((e) => e.type === 'tool_update' && e.id)).toEqual(['r1', 'r2', 'r3']);
    for (const f of failed) expect(f.type === 'tool_update' && f.error).toContain('outside the session worktree');
    expect(() => readFileSync(join(dir, 'planted.txt'))).toThrow();
  });

  it('refuses writes through a dangling symlink leading out, and writes into .git', async () => {
    // The link's target does not exist yet: following it would create a file outside the worktree.
    symlinkSync(join(dir, 'planted-via-link.txt'), join(root, 'dangling.txt'));
    mkdirSync(join(root, '.git'), { recursive: true });
    const hook = join(root, '.git', 'hooks', 'pre-commit');
    const s = await setup({
      turns: [
        {
          steps: [
            { tool: { id: 'w1', title: 'write via dangling link', kind: 'edit', writeFile: { path: join(root, 'dangling.txt'), content: 'x' } } },
            { tool: { id: 'w2', title: 'plant a git hook', kind: 'edit', writeFile: { path: hook, content: '#!/bin/sh\n' } } },
            { tool: { id: 'w3', title: 'write beside .git', kind: 'edit', writeFile: { path: join(root, '.gitignore'), content: 'x\n' } } },
          ],
        },
      ],
    });
    const { events } = await run(s, 'escape by link');
    const failed = events.flatMap((e) => (e.type === 'tool_update' && e.status === 'failed' ? [e] : []));
    expect(failed.map((e) => e.id)).toEqual(['w1', 'w2']);
    expect(failed[0]?.error).toContain('outside the session worktree');
    expect(failed[1]?.error).toContain('.git');
    expect(existsSync(join(dir, 'planted-via-link.txt'))).toBe(false);
    expect(existsSync(hook)).toBe(false);
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('x\n');
  });

  it("gives the agent its configured env and provider keys, but not BooCode's DATABASE_URL or BOOCODE_*", async () => {
    const envFile = join(dir, 'acp-env.txt');
    const scriptFile = join(dir, 'script-env.json');
    writeFileSync(scriptFile, JSON.stringify({ turns: [] }));
    const inherited = { DATABASE_URL: 'postgres://boocode:hunter2@db/boocode', BOOCODE_TEST_TOKENLESS: 'ours', BC_TEST_PROVIDER_API_KEY: 'sk-agent' };
    const saved = Object.fromEntries(Object.keys(inherited).map((k) => [k, process.env[k]]));
    Object.assign(process.env, inherited);
    try {
      const backend = new AcpBackend({
        name: 'fake-acp',
        // The shell records the environment it was given, then becomes the fake agent.
        command: {
          command: '/bin/sh',
          args: ['-c', 'env > "$0" && exec "$@"', envFile, process.execPath, fakeAcpBin, '--script', scriptFile],
          env: { BOOCODE_AGENT_SETTING: 'configured' },
        },
        baseEnv: process.env,
      });
      backends.push(backend);
      await backend.ensureSession(
        { chatId: 'chat-env', agent: 'fake-acp' },
        { sessionId: 's', projectId: 'p', root, model: null, resumeToken: null },
      );
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const env = readFileSync(envFile, 'utf8');
    expect(env).toContain('BC_TEST_PROVIDER_API_KEY=sk-agent');
    expect(env).toContain('BOOCODE_AGENT_SETTING=configured');
    expect(env).not.toContain('hunter2');
    expect(env).not.toContain('BOOCODE_TEST_TOKENLESS');
  });

  it('does not send a prompt cancelled while the agent was being readied', async () => {
    const s = await setup({ turns: [{ match: 'early', steps: [{ text: 'never' }] }, { match: 'after', steps: [{ text: 'after' }] }] });
    const events: AgentEvent[] = [];
    const ac = new AbortController();
    const pending = s.backend.prompt(s.handle, { parts: [{ type: 'text', text: 'cancelled early' }] }, { signal: ac.signal, onEvent: (e) => events.push(e) });
    // prompt() is now waiting for the agent's process and session.
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(texts(events, 'text')).toBe('');
    expect(s.log().filter((l) => l.method === 'session/prompt')).toEqual([]);
    const next = await run(s, 'after');
    expect(texts(next.events, 'text')).toBe('after');
  });

  it('cancels mid-turn and answers the pending permission request with cancelled', async () => {
    const s = await setup({
      turns: [{ steps: [{ text: 'starting' }, { tool: { id: 'slow', title: 'Dangerous', kind: 'execute', permission: true } }, { text: 'never' }] }, { steps: [{ text: 'next' }] }],
    });
    const { result, events } = await run(s, 'go', (e, ac) => {
      if (e.type === 'permission_request') ac.abort();
    });
    expect(result).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(texts(events, 'text')).toBe('starting');
    expect(s.log().some((l) => l.method === 'session/cancel')).toBe(true);
    // The session is still usable.
    const next = await run(s, 'again');
    expect(texts(next.events, 'text')).toBe('next');
  });

  it('cancels a slow turn that is not waiting on anything', async () => {
    const s = await setup({ turns: [{ steps: [{ text: 'a' }, { waitForCancel: true }, { text: 'b' }] }] });
    const { result, events } = await run(s, 'slow', (e, ac) => {
      if (e.type === 'text') ac.abort();
    });
    expect(result.stop_reason).toBe('cancelled');
    expect(texts(events, 'text')).toBe('a');
  });

  it('reports a crash, goes down, and the next turn restarts the agent and loads the session', async () => {
    const s = await setup({
      turns: [
        { match: 'remember', steps: [{ text: 'noted' }] },
        { match: 'crash', steps: [{ text: 'about to die' }, { crash: 3 }] },
        { match: 'after', steps: [{ text: 'back' }] },
      ],
    });
    await run(s, 'remember this');
    const token = s.handle.resumeToken;
    const pid = s.backend.processInfo(s.handle.key)?.pid;
    const crashed = await run(s, 'crash now');
    expect(crashed.result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'agent_crashed' } });
    expect(crashed.result.error?.message).toContain('code 3');
    expect(await s.backend.health()).toMatchObject({ status: 'down' });

    const after = await run(s, 'after restart');
    expect(after.result).toMatchObject({ ok: true, resume_token: token });
    expect(texts(after.events, 'text')).toBe('back');
    // The history replayed by session/load is not mistaken for this turn's answer.
    expect(texts(after.events, 'text')).not.toContain('replayed');
    expect(s.backend.processInfo(s.handle.key)?.pid).not.toBe(pid);
    expect(s.log().filter((l) => l.method === 'session/load')).toMatchObject([{ params: { sessionId: token, cwd: root } }]);
    expect(await s.backend.health()).toMatchObject({ status: 'up' });
  });

  it('kills an agent that ignores session/cancel once its grace is over, and the next turn starts it again', async () => {
    const s = await setup({ turns: [{ match: 'stuck', steps: [{ text: 'thinking' }, { hang: true }] }, { match: 'after', steps: [{ text: 'back' }] }] });
    const { result, events } = await run(s, 'stuck', (e, ac) => {
      if (e.type === 'text') ac.abort();
    });
    expect(result).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(texts(events, 'text')).toBe('thinking');
    const after = await run(s, 'after the kill');
    expect(after.result).toMatchObject({ ok: true });
    expect(texts(after.events, 'text')).toBe('back');
  });

  it('stops an agent that closes its output but keeps running, and fails the turn saying so', async () => {
    const s = await setup({ turns: [{ match: 'close', steps: [{ text: 'going quiet' }, { closeOutput: true }] }, { match: 'after', steps: [{ text: 'back' }] }] });
    const pid = s.backend.processInfo(s.handle.key)?.pid;
    expect(pid).toBeTypeOf('number');
    const { result } = await run(s, 'close now');
    expect(result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'agent_crashed' } });
    expect(result.error?.message).toMatch(/closed its output .* still running/);
    // Not left behind: the process was stopped with the connection.
    expect(() => process.kill(pid!, 0)).toThrow();
    const after = await run(s, 'after');
    expect(after.result).toMatchObject({ ok: true, resume_token: s.handle.resumeToken });
    expect(texts(after.events, 'text')).toBe('back');
    expect(s.backend.processInfo(s.handle.key)?.pid).not.toBe(pid);
  });

  it('prefers session/resume when the agent supports it', async () => {
    const first = await setup({ capabilities: { resume: true, loadSession: true }, turns: [{ steps: [{ text: 'x' }] }] });
    await run(first, 'hello');
    const token = first.handle.resumeToken;
    // A new backend (as after a BooCode restart) with the persisted token and the same state file.
    const { stateFile, capabilities } = JSON.parse(readFileSync(join(dir, `script-${n}.json`), 'utf8')) as FakeAcpScript;
    const again = await setup({ stateFile, capabilities, turns: [{ steps: [{ text: 'resumed' }] }] }, { resumeToken: token });
    expect(again.handle.resumeToken).toBe(token);
    const t = await run(again, 'continue');
    expect(texts(t.events, 'text')).toBe('resumed');
    expect(again.log().map((l) => l.method)).toContain('session/resume');
  });

  it('starts a new session when the resume token is unknown to the agent', async () => {
    const s = await setup({ turns: [{ steps: [{ text: 'fresh' }] }] }, { resumeToken: 'fake_gone' });
    expect(s.handle.resumeToken).not.toBe('fake_gone');
    const t = await run(s, 'hi');
    expect(t.result.resume_token).toBe(s.handle.resumeToken);
  });

  it('chooses the model through session/set_config_option and the mode through set_mode', async () => {
    const s = await setup({ turns: [{ steps: [{ text: 'ok' }] }] }, { model: 'beta', mode: 'plan' });
    expect(s.log()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'session/set_config_option', params: expect.objectContaining({ configId: 'model', value: 'fake/beta' }) }),
        expect.objectContaining({ method: 'session/set_mode', params: expect.objectContaining({ modeId: 'plan' }) }),
      ]),
    );
    const t = await run(s, 'hi');
    const cfg = t.events.find((e) => e.type === 'config_options');
    expect(cfg).toMatchObject({ options: [{ id: 'model', category: 'model', current_value: 'fake/beta' }, { id: 'mode' }] });
  });

  it('refuses a model the agent does not offer, naming the ones it does', async () => {
    await expect(setup({ turns: [] }, { model: 'gpt-imaginary' })).rejects.toThrow(/does not offer model "gpt-imaginary".*fake\/alpha, fake\/beta/);
  });

  it('forwards images when the agent accepts them, and refuses them otherwise', async () => {
    const yes = await setup({ turns: [{ steps: [{ text: 'seen' }] }] });
    const t = await run(yes, 'look', () => {}, { image: true });
    expect(t.result.ok).toBe(true);
    const prompt = yes.log().find((l) => l.method === 'session/prompt');
    expect(prompt?.params.prompt).toEqual([
      { type: 'text', text: 'look' },
      { type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' },
    ]);

    const no = await setup({ capabilities: { image: false, loadSession: true, resume: false }, turns: [] });
    const r = await run(no, 'look', () => {}, { image: true });
    expect(r.result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(r.result.error?.message).toContain('does not accept images');
  });

  it('turns an agent error into a readable turn error', async () => {
    const s = await setup({ turns: [{ error: { code: -32000, message: 'Authentication required' } }] });
    const t = await run(s, 'hi');
    expect(t.result).toMatchObject({ ok: false, error: { code: 'agent_error' } });
    expect(t.result.error?.message).toContain('Authentication required');
  });

  it('translates notices, context usage, titles and mode changes', async () => {
    const s = await setup({
      turns: [{ steps: [{ notice: { severity: 'warning', title: 'slow network' } }, { context: { used: 1000, size: 8000, cost: 0.25 } }, { title: 'A title' }, { mode: 'plan' }] }],
    });
    const { events } = await run(s, 'info');
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'notice', severity: 'warning', title: 'slow network' },
        { type: 'context_usage', used: 1000, size: 8000, cost: 0.25, currency: 'USD' },
        { type: 'session_info', title: 'A title' },
        { type: 'mode_changed', mode_id: 'plan' },
      ]),
    );
  });

  it('refuses a second turn while one is running', async () => {
    const s = await setup({ turns: [{ steps: [{ text: 'working' }, { waitForCancel: true }] }] });
    const ac = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = s.backend.prompt(s.handle, { parts: [{ type: 'text', text: 'a' }] }, { signal: ac.signal, onEvent: () => started() });
    // The agent's first output means the first turn is under way.
    await running;
    const second = await s.backend.prompt(s.handle, { parts: [{ type: 'text', text: 'b' }] }, { signal: new AbortController().signal, onEvent: () => {} });
    expect(second).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    ac.abort();
    expect((await first).stop_reason).toBe('cancelled');
  });
});
