import { describe, expect, it } from 'vitest';
import { SessionFrame, PostMessageBody, addUsage, emptyUsage } from '@boocode/contracts';

describe('contracts', () => {
  it('accepts a well-formed delta frame and rejects one without seq', () => {
    const ok = {
      seq: 1,
      session_id: '00000000-0000-4000-8000-000000000001',
      ts: new Date().toISOString(),
      type: 'message_delta',
      chat_id: '00000000-0000-4000-8000-000000000002',
      message_id: '00000000-0000-4000-8000-000000000003',
      text: 'hi',
    };
    expect(SessionFrame.safeParse(ok).success).toBe(true);
    const { seq: _seq, ...noSeq } = ok;
    expect(SessionFrame.safeParse(noSeq).success).toBe(false);
    expect(SessionFrame.safeParse({ ...ok, type: 'nope' }).success).toBe(false);
  });

  it('refuses an empty user message and names the field', () => {
    const r = PostMessageBody.safeParse({ content: '   ' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['content']);
  });

  it('adds usage field by field', () => {
    const u = { input_total: 10, no_cache: 4, cache_read: 6, cache_write: 1, output: 3, reasoning: 2 };
    expect(addUsage(u, u)).toEqual({ input_total: 20, no_cache: 8, cache_read: 12, cache_write: 2, output: 6, reasoning: 4 });
    expect(addUsage(emptyUsage(), u)).toEqual(u);
  });
});
