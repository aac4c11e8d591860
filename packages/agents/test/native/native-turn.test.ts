import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeLlm } from '@boocode/testkit';
import { ofType, openSession, reasoning, runTurn, text, useLlmAndRepo } from './harness.js';

const env = useLlmAndRepo();

const TOOL_NAMES = ['read_file', 'list_dir', 'glob', 'grep', 'edit_file', 'write_file', 'delete_file', 'run_command'];

describe('native agent turn', () => {
  it('streams plain text and ends the turn', async () => {
    env.llm.push({ text: ['Hello', ', ', 'world'], usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const { result, events } = await runTurn(env.llm, env.repo.root, 'say hi');
    expect(result).toMatchObject({ ok: true, stop_reason: 'end_turn' });
    expect(result.error).toBeUndefined();
    expect(ofType(events, 'text').map((e) => e.text)).toEqual(['Hello', ', ', 'world']);
    expect(ofType(events, 'usage')).toHaveLength(1);
    const req = env.llm.requests[0]!;
    expect(req.stream).toBe(true);
    expect(req.model).toBe('fake-model');
    expect(req.messages[0]).toMatchObject({ role: 'system' });
    expect(String(req.messages[0]?.content)).toContain(env.repo.root);
    expect(req.lastUserText).toBe('say hi');
    expect(req.tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    expect(req.tools.every((t) => (t.description ?? '').length > 40)).toBe(true);
  });

  it('emits reasoning before text', async () => {
    env.llm.push({ reasoning: ['Let me ', 'think.'], text: ['Answer.'] });
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(result.ok).toBe(true);
    expect(reasoning(events)).toBe('Let me think.');
    expect(text(events)).toBe('Answer.');
    const kinds = events.filter((e) => e.type === 'text' || e.type === 'reasoning').map((e) => e.type);
    expect(kinds).toEqual(['reasoning', 'reasoning', 'text']);
  });

  it('runs a tool, feeds its result back, then streams the answer', async () => {
    env.llm.push(
      { text: 'Reading.', toolCalls: [{ id: 'call_read', name: 'read_file', arguments: { path: 'README.md' } }] },
      { text: 'The README is a title.' },
    );
    const { result, events } = await runTurn(env.llm, env.repo.root, 'what is in the readme?');
    expect(result).toMatchObject({ ok: true, stop_reason: 'end_turn' });
    const [call] = ofType(events, 'tool_call');
    expect(call).toMatchObject({ id: 'call_read', name: 'read_file', input: { path: 'README.md' } });
    expect(Date.parse(call!.started_at)).not.toBeNaN();
    const [update] = ofType(events, 'tool_update');
    expect(update).toMatchObject({ id: 'call_read', status: 'completed', output: '1\t# demo\n' });
    expect(update?.finished_at).toBeDefined();
    expect(text(events)).toBe('Reading.The README is a title.');
    expect(events.findIndex((e) => e.type === 'tool_update')).toBeLessThan(events.findLastIndex((e) => e.type === 'text'));

    expect(env.llm.requests).toHaveLength(2);
    const second = env.llm.requests[1]!.messages;
    expect(second.find((m) => m.role === 'assistant')?.tool_calls?.[0]).toMatchObject({ id: 'call_read', function: { name: 'read_file' } });
    expect(second.find((m) => m.role === 'tool')).toMatchObject({ tool_call_id: 'call_read', content: '1\t# demo\n' });
    expect(ofType(events, 'usage')).toHaveLength(2);
  });

  it('runs two tool calls from one step and returns both results', async () => {
    env.llm.push(
      {
        toolCalls: [
          { id: 'c1', name: 'read_file', arguments: { path: 'README.md' } },
          { id: 'c2', name: 'list_dir', arguments: { path: 'src' } },
        ],
      },
      { text: 'done' },
    );
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(result.ok).toBe(true);
    expect(ofType(events, 'tool_call').map((c) => c.id)).toEqual(['c1', 'c2']);
    const updates = new Map(ofType(events, 'tool_update').map((u) => [u.id, u]));
    expect(updates.get('c1')).toMatchObject({ status: 'completed', output: '1\t# demo\n' });
    expect(updates.get('c2')).toMatchObject({ status: 'completed', output: 'a.ts' });
    const toolMsgs = env.llm.requests[1]!.messages.filter((m) => m.role === 'tool');
    expect(toolMsgs.map((m) => m.tool_call_id).sort()).toEqual(['c1', 'c2']);
  });

  it('returns a refused path to the model as a tool error, not a thrown error', async () => {
    env.llm.push({ toolCalls: [{ id: 'esc', name: 'read_file', arguments: { path: '../outside/secret.txt' } }] }, { text: 'ok, I cannot' });
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(result).toMatchObject({ ok: true, stop_reason: 'end_turn' });
    const [update] = ofType(events, 'tool_update');
    expect(update).toMatchObject({ id: 'esc', status: 'failed' });
    expect(update?.error).toContain('outside the project root');
    const toolMsg = env.llm.requests[1]!.messages.find((m) => m.role === 'tool');
    expect(String(toolMsg?.content)).toContain('outside the project root');
    expect(String(toolMsg?.content)).not.toContain('TOP SECRET');
  });

  it('reports invalid tool input from the model as a failed tool call', async () => {
    env.llm.push({ toolCalls: [{ id: 'bad', name: 'read_file', arguments: { path: 42 } }] }, { text: 'sorry' });
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(result.ok).toBe(true);
    expect(ofType(events, 'tool_update')[0]).toMatchObject({ id: 'bad', status: 'failed' });
    expect(env.llm.requests).toHaveLength(2);
  });

  it('stops at the step cap with stop reason max_steps', async () => {
    await env.llm.close();
    env.llm = await startFakeLlm({ fallback: { toolCalls: [{ name: 'list_dir', arguments: {} }], usage: { prompt_tokens: 5, completion_tokens: 1 } } });
    const { result, events } = await runTurn(env.llm, env.repo.root, 'loop forever', { maxSteps: 3 });
    expect(result).toMatchObject({ ok: true, stop_reason: 'max_steps' });
    expect(env.llm.requests).toHaveLength(3);
    expect(ofType(events, 'tool_call')).toHaveLength(3);
    expect(ofType(events, 'usage')).toHaveLength(3);
    expect(result.usage).toMatchObject({ input_total: 15, output: 3 });
  });

  it('fails the turn on HTTP 429 with a rate_limited error, distinct from a 500', async () => {
    env.llm.push({ error: { status: 429 } });
    const limited = await runTurn(env.llm, env.repo.root);
    expect(limited.result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'rate_limited' } });
    expect(limited.result.error?.message).toContain('429');

    env.llm.push({ error: { status: 500, body: { error: { message: 'upstream exploded' } } } });
    const broken = await runTurn(env.llm, env.repo.root);
    expect(broken.result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'provider_error' } });
    expect(broken.result.error?.message).toContain('upstream exploded');
  });

  it('retries a 429 when retries are allowed, honouring retry-after-ms', async () => {
    env.llm.push({ error: { status: 429, headers: { 'retry-after-ms': '10' } } }, { text: 'after retry' });
    const { result, events } = await runTurn(env.llm, env.repo.root, 'hi', { maxRetries: 1 });
    expect(result.ok).toBe(true);
    expect(text(events)).toBe('after retry');
    expect(env.llm.requests).toHaveLength(2);
  });

  it('fails with a network error when the stream breaks mid-way, keeping what arrived', async () => {
    env.llm.push({ text: ['one ', 'two ', 'three ', 'four'], breakAfter: 3 });
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'network' } });
    expect(text(events)).toBe('one two ');
  });

  it('gives up on a stalled stream after the idle timeout', async () => {
    env.llm.push({ text: ['a', 'b', 'c'], stallAfter: 2 });
    const { result, events } = await runTurn(env.llm, env.repo.root, 'hi', { idleTimeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'timeout' } });
    expect(text(events)).toBe('a');
  });

  it('fails with a network error when the provider is unreachable', async () => {
    const url = env.llm.url;
    await env.llm.close();
    const { result } = await runTurn({ ...env.llm, url }, env.repo.root);
    expect(result).toMatchObject({ ok: false, error: { code: 'network' } });
    env.llm = await startFakeLlm();
  });

  it('passes history and image parts to the model', async () => {
    env.llm.push({ text: 'a cat' });
    const { result } = await runTurn(env.llm, env.repo.root, {
      history: [
        { role: 'user', content: 'earlier question' },
        { role: 'assistant', content: 'earlier answer' },
      ],
      parts: [
        { type: 'text', text: 'what is this?' },
        { type: 'image', mime_type: 'image/png', data: 'iVBORw0KGgo=' },
      ],
    });
    expect(result.ok).toBe(true);
    const req = env.llm.requests[0]!;
    expect(req.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(req.messages[2]?.content).toBe('earlier answer');
    expect(req.lastUserText).toBe('what is this?');
    expect(req.images).toEqual([{ url: 'data:image/png;base64,iVBORw0KGgo=' }]);
  });
});

describe('native backend session handling', () => {
  it('refuses a second concurrent turn in the same chat and a prompt without a session', async () => {
    env.llm.push({ text: ['slow', 'ly'], chunkDelayMs: 100 }, { text: 'x' });
    const { backend, handle } = await openSession(env.llm, env.repo.root);
    const first = backend.prompt(handle, { parts: [{ type: 'text', text: 'a' }] }, { signal: new AbortController().signal, onEvent: () => {} });
    const second = await backend.prompt(handle, { parts: [{ type: 'text', text: 'b' }] }, { signal: new AbortController().signal, onEvent: () => {} });
    expect(second).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await first).ok).toBe(true);
    const other = await backend.prompt({ ...handle, key: { chatId: 'nope', agent: 'native' } }, { parts: [{ type: 'text', text: 'c' }] }, { signal: new AbortController().signal, onEvent: () => {} });
    expect(other).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await backend.health()).toEqual({ status: 'up' });
  });

  it('resolves the root with realpath and rejects an invalid config', async () => {
    const { handle } = await openSession(env.llm, path.join(env.repo.root, 'src', '..'));
    expect(handle).toMatchObject({ backend: 'native', root: env.repo.root, model: 'fake-model' });
    await expect(openSession(env.llm, env.repo.root, { baseURL: 'not a url' })).rejects.toThrow(/the native agent is not configured: baseURL: /);
    await expect(openSession(env.llm, env.repo.root, { baseURL: undefined })).rejects.toThrow(
      'the native agent is not configured: set BOOCODE_NATIVE_BASE_URL (and BOOCODE_NATIVE_MODEL), or "native" in config.json',
    );
  });

  it('reads the API key from the named environment variable and refuses a missing one', async () => {
    env.llm.push({ text: 'ok' });
    process.env.BOOCODE_NATIVE_TEST_KEY = 'sk-from-env';
    try {
      const ok = await runTurn(env.llm, env.repo.root, 'hi', { apiKey: undefined, apiKeyEnv: 'BOOCODE_NATIVE_TEST_KEY' });
      expect(ok.result.ok).toBe(true);
    } finally {
      delete process.env.BOOCODE_NATIVE_TEST_KEY;
    }
    const missing = await runTurn(env.llm, env.repo.root, 'hi', { apiKey: undefined, apiKeyEnv: 'BOOCODE_NATIVE_TEST_KEY' });
    expect(missing.result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(missing.result.error?.message).toContain('BOOCODE_NATIVE_TEST_KEY');
  });

  it('keeps the API key named by apiKeyEnv away from run_command, whatever its name', async () => {
    const printKey = { command: process.execPath, args: ['-e', 'process.stdout.write(process.env.LLM_PLAIN_NAME ?? "unset")'] };
    env.llm.push({ toolCalls: [{ id: 'env1', name: 'run_command', arguments: printKey }] }, { text: 'done' });
    process.env.LLM_PLAIN_NAME = 'sk-model-key';
    try {
      const { result, events } = await runTurn(env.llm, env.repo.root, 'print it', { apiKey: undefined, apiKeyEnv: 'LLM_PLAIN_NAME' });
      expect(result.ok).toBe(true);
      const [update] = ofType(events, 'tool_update');
      expect(update).toMatchObject({ id: 'env1', status: 'completed' });
      expect(JSON.parse(update?.output ?? '{}')).toMatchObject({ stdout: 'unset' });
    } finally {
      delete process.env.LLM_PLAIN_NAME;
    }
  });
});
