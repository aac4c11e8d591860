import { describe, expect, it } from 'vitest';
import { emptyUsage, type SessionFrame } from '@boocode/contracts';
import { LogPrinter } from '../src/logs/printer.js';
import { paintFor } from '../src/output/color.js';

const MSG = '00000000-0000-4000-8000-000000000001';
const CHAT = '00000000-0000-4000-8000-000000000002';

/** What `boocode logs` prints for one turn that starts and completes with the given frame fields. */
function printTurn(complete: Record<string, unknown>): string {
  let out = '';
  const printer = new LogPrinter((t) => (out += t), paintFor({ isTTY: false }));
  const frames = [
    { type: 'message_started', chat_id: CHAT, message_id: MSG, role: 'assistant', task_id: null, turn: 1, model: null, agent: 'qwen', started_at: '2026-01-01T00:00:00.000Z' },
    { type: 'message_complete', chat_id: CHAT, message_id: MSG, status: 'complete', finished_at: '2026-01-01T00:00:02.000Z', ...complete },
  ];
  for (const f of frames) printer.frame(f as unknown as SessionFrame);
  return out;
}

describe('logs footer', () => {
  it('prints the tokens of a turn, and says when the agent reported none instead of printing nothing', () => {
    expect(printTurn({ usage: { ...emptyUsage(), input_total: 120, output: 8 } })).toContain('· 120 in / 8 out tokens');
    expect(printTurn({ usage: emptyUsage() })).not.toContain('tokens');
    expect(printTurn({ usage: emptyUsage(), usage_reported: false })).toContain('· tokens not reported by the agent');
  });
});
