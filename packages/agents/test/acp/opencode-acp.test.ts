import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentSessionHandle, TurnResult } from '@boocode/contracts';
import { startFakeLlm, type FakeLlm } from '@boocode/testkit';
import { AcpBackend } from '../../src/acp/index.js';
import { resolveOpenCodeBinary } from '../../src/discovery/which.js';
import { openCodeTestHome, type OpenCodeTestHome } from '../opencode/env.js';

/** The ACP backend against a real ACP agent: `opencode acp`, offline, on the fake LLM. */

let llm: FakeLlm;
let home: OpenCodeTestHome;
let backend: AcpBackend;
let repo: string;
let chat = 0;

async function session(): Promise<AgentSessionHandle> {
  chat++;
  return backend.ensureSession(
    { chatId: `chat-${chat}`, agent: 'opencode-acp' },
    { sessionId: 's', projectId: 'p', root: repo, model: 'fake/fake-model', resumeToken: null },
  );
}

async function run(
  handle: AgentSessionHandle,
  prompt: string,
  onEvent: (e: AgentEvent, ac: AbortController) => void = () => {},
): Promise<{ result: TurnResult; events: AgentEvent[]; text: string; reasoning: string }> {
  const events: AgentEvent[] = [];
  const ac = new AbortController();
  const result = await backend.prompt(handle, { parts: [{ type: 'text', text: prompt }] }, {
    signal: ac.signal,
    onEvent: (e) => {
      events.push(e);
      onEvent(e, ac);
    },
  });
  const join_ = (t: 'text' | 'reasoning'): string => events.flatMap((e) => (e.type === t ? [e.text] : [])).join('');
  return { result, events, text: join_('text'), reasoning: join_('reasoning') };
}

beforeAll(async () => {
  llm = await startFakeLlm();
  home = openCodeTestHome(llm.url);
  repo = home.makeRepo('acp');
  const binary = await resolveOpenCodeBinary(process.env.PATH ?? '');
  if (!binary) throw new Error('opencode-ai is a devDependency; its binary must be installed');
  backend = new AcpBackend({
    name: 'opencode-acp',
    baseEnv: process.env,
    command: {
      command: binary,
      args: ['acp'],
      env: {
        ...home.env,
        OPENCODE_CONFIG_CONTENT: JSON.stringify({ ...home.config, permission: { bash: 'ask', edit: 'ask' } }),
      },
    },
  });
});

afterAll(async () => {
  await backend?.dispose();
  await llm?.close();
  home?.cleanup();
});

describe('AcpBackend against `opencode acp`', () => {
  it('streams two turns in one ACP session on one warm process', async () => {
    const file = join(repo, 'hello.txt');
    llm.push(
      {
        match: { hasTools: true },
        reasoning: ['Let me ', 'think.'],
        text: ['I will ', 'read it.'],
        toolCalls: [{ name: 'read', arguments: { filePath: file } }],
        usage: { prompt_tokens: 100, completion_tokens: 20 },
      },
      { match: { hasTools: true }, text: ['The file ', 'says hi.'], usage: { prompt_tokens: 150, completion_tokens: 8 } },
      { match: { hasTools: true, lastUserIncludes: 'again' }, text: ['Second ', 'answer.'], usage: { prompt_tokens: 200, completion_tokens: 4 } },
    );
    llm.push({ match: { hasTools: false }, text: 'Title' }, { match: { hasTools: false }, text: 'Title' });
    const handle = await session();
    expect(handle.resumeToken).toMatch(/^ses_/);
    const pid = backend.processInfo(handle.key)?.pid;

    const t1 = await run(handle, 'read hello.txt');
    expect(t1.result).toMatchObject({ ok: true, stop_reason: 'end_turn', resume_token: handle.resumeToken });
    expect(t1.text).toBe('I will read it.The file says hi.');
    expect(t1.events.filter((e) => e.type === 'text').length).toBeGreaterThanOrEqual(4);
    expect(t1.reasoning).toBe('Let me think.');
    const call = t1.events.find((e) => e.type === 'tool_call');
    expect(call).toMatchObject({ type: 'tool_call' });
    const done = t1.events.find((e) => e.type === 'tool_update' && e.status === 'completed');
    if (call?.type !== 'tool_call' || done?.type !== 'tool_update') throw new Error('tool events missing');
    expect(done.id).toBe(call.id);
    expect(done.output).toContain('hi there');
    expect(Date.parse(done.finished_at!)).toBeGreaterThanOrEqual(Date.parse(call.started_at));
    expect(t1.events.some((e) => e.type === 'usage')).toBe(true);
    expect(t1.result.usage.input_total).toBeGreaterThan(0);

    const t2 = await run(handle, 'say it again');
    expect(t2.result).toMatchObject({ ok: true, resume_token: handle.resumeToken });
    expect(t2.text).toBe('Second answer.');
    expect(backend.processInfo(handle.key)?.pid).toBe(pid);
    const last = llm.requests.filter((r) => r.tools.length > 0).at(-1)!;
    expect(JSON.stringify(last.messages)).toContain('The file says hi.');
  });

  it("reads opencode's usage as disjoint counts (input without cache, output without reasoning)", async () => {
    llm.push(
      {
        match: { hasTools: true, lastUserIncludes: 'count' },
        reasoning: 'Hmm.',
        text: 'Counted.',
        usage: { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 10, reasoning_tokens: 5 },
      },
      { match: { hasTools: false }, text: 'Title' },
    );
    const handle = await session();
    const t = await run(handle, 'count tokens');
    expect(t.result.ok).toBe(true);
    // The same step as the OpenCode backend reads it from opencode's step-finish tokens.
    expect(t.result.usage).toEqual({ input_total: 100, no_cache: 90, cache_read: 10, cache_write: 0, output: 20, reasoning: 5 });
    const usage = t.events.find((e) => e.type === 'usage');
    expect(usage).toMatchObject({ raw: { inputTokens: 90, cachedReadTokens: 10, outputTokens: 15, thoughtTokens: 5, totalTokens: 120 } });
  });

  it('asks for permission through session/request_permission and runs the tool when allowed', async () => {
    llm.push(
      { match: { hasTools: true, lastUserIncludes: 'perm' }, toolCalls: [{ name: 'bash', arguments: { command: 'echo acp-ok > acp.txt', description: 'write' } }] },
      { match: { hasTools: true, lastUserIncludes: 'perm' }, text: 'Done.' },
      { match: { hasTools: false }, text: 'Title' },
    );
    const handle = await session();
    const t = await run(handle, 'perm please', (e) => {
      if (e.type === 'permission_request') {
        const allow = e.request.options.find((o) => o.kind === 'allow_once')!;
        e.respond({ outcome: 'selected', option_id: allow.id, kind: 'allow_once' });
      }
    });
    expect(t.result.ok).toBe(true);
    expect(t.events.some((e) => e.type === 'permission_request')).toBe(true);
    expect(readFileSync(join(repo, 'acp.txt'), 'utf8').trim()).toBe('acp-ok');
    expect(t.text).toBe('Done.');
  });

  it('cancels a running turn through session/cancel', async () => {
    llm.push(
      { match: { hasTools: true, lastUserIncludes: 'slow' }, text: Array.from({ length: 40 }, (_, i) => `s${i} `), chunkDelayMs: 100 },
      { match: { hasTools: true, lastUserIncludes: 'after' }, text: 'Still here.' },
      { match: { hasTools: false }, text: 'Title' },
    );
    const handle = await session();
    const t = await run(handle, 'be slow', (e, ac) => {
      if (e.type === 'text' && !ac.signal.aborted) ac.abort();
    });
    expect(t.result).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(t.text).not.toContain('s39');
    const after = await run(handle, 'after cancel');
    expect(after.result.ok).toBe(true);
    expect(after.text).toBe('Still here.');
  });
});
