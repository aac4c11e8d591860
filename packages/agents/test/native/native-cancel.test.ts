import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '@boocode/contracts';
import { ofType, openSession, useLlmAndRepo } from './harness.js';

const env = useLlmAndRepo();

const prompt = { parts: [{ type: 'text' as const, text: 'go' }] };

describe('native agent cancellation', () => {
  it('ends a streaming turn at abort with stop reason cancelled, and emits nothing after', async () => {
    env.llm.push({ text: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 100 });
    const { backend, handle } = await openSession(env.llm, env.repo.root);
    const ac = new AbortController();
    const events: AgentEvent[] = [];
    const result = await backend.prompt(handle, prompt, {
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'text' && !ac.signal.aborted) ac.abort();
      },
    });
    expect(result).toMatchObject({ ok: false, stop_reason: 'cancelled' });
    expect(result.error).toBeUndefined();
    const seen = events.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toHaveLength(seen);
    // The provider had 50 words to send, 100 ms apart: the turn ended long before them.
    expect(ofType(events, 'text').length).toBeLessThan(5);
  });

  it('cancels through backend.cancel while a tool runs, killing the command', async () => {
    env.llm.push({
      toolCalls: [{ id: 'sleep', name: 'run_command', arguments: { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 20000)'] } }],
    });
    const { backend, handle } = await openSession(env.llm, env.repo.root);
    const events: AgentEvent[] = [];
    const result = await backend.prompt(handle, prompt, {
      signal: new AbortController().signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'tool_call') setTimeout(() => void backend.cancel(handle), 100);
      },
    });
    expect(result.stop_reason).toBe('cancelled');
    expect(ofType(events, 'tool_call')).toHaveLength(1);
    // The session is free again for the next turn.
    env.llm.push({ text: 'next' });
    const next = await backend.prompt(handle, prompt, { signal: new AbortController().signal, onEvent: () => {} });
    expect(next.ok).toBe(true);
  }, 10_000); // Without cancellation the command would hold the turn for 20 s.

  it('cancels a stalled stream as cancelled, not as a timeout', async () => {
    env.llm.push({ text: ['a', 'b', 'c'], stallAfter: 2 });
    const { backend, handle } = await openSession(env.llm, env.repo.root);
    const ac = new AbortController();
    const result = await backend.prompt(handle, prompt, {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'text') setTimeout(() => ac.abort(), 50);
      },
    });
    expect(result.stop_reason).toBe('cancelled');
  });

  it('returns cancelled at once for a signal aborted before the turn starts', async () => {
    env.llm.push({ text: 'never' });
    const { backend, handle } = await openSession(env.llm, env.repo.root);
    const events: AgentEvent[] = [];
    const result = await backend.prompt(handle, prompt, { signal: AbortSignal.abort(), onEvent: (e) => events.push(e) });
    expect(result.stop_reason).toBe('cancelled');
    expect(events).toEqual([]);
  });
});
