import { describe, expect, it } from 'vitest';
import { emptyUsage, type Subagent } from '@boocode/contracts';
import { spawnedBy } from '../src/traces/spawnedBy';
import { CHAT, SESSION, uuid } from './fixtures';

const child = (n: number, over: Partial<Subagent> = {}): Subagent => ({
  id: uuid(n),
  parent_task_id: uuid(90),
  session_id: SESSION,
  chat_id: CHAT,
  label: `child ${n}`,
  agent: 'native',
  model: null,
  status: 'running',
  error: null,
  isolation: 'worktree',
  depth: 1,
  spawn_tool_call_id: null,
  usage: emptyUsage(),
  created_at: new Date(1000 * n).toISOString(),
  started_at: null,
  finished_at: null,
  ...over,
});

describe('spawnedBy', () => {
  it('finds the children a call spawned by the ids the traces API gives and by their spawning call, oldest first', () => {
    const all = [
      child(3, { spawn_tool_call_id: 'call_a' }),
      child(1),
      child(2, { spawn_tool_call_id: 'call_b' }),
    ];
    expect(spawnedBy({ toolCallId: 'call_a', subagentIds: [uuid(1)] }, all).map((a) => a.id)).toEqual([uuid(1), uuid(3)]);
    expect(spawnedBy({ toolCallId: 'call_b', subagentIds: [] }, all).map((a) => a.id)).toEqual([uuid(2)]);
  });

  it('nests nothing under a call that spawned nothing, even when children without a known call exist', () => {
    expect(spawnedBy({ toolCallId: 'call_x', subagentIds: [] }, [child(1), child(2, { spawn_tool_call_id: 'call_b' })])).toEqual([]);
  });
});
