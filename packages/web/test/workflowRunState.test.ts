import { describe, expect, it } from 'vitest';
import { emptyUsage, type WorkflowRunAgent, type WorkflowRunDetail } from '@boocode/contracts';
import { applyRunFrame, displayStatus, emptyRunView, groupByPhase, LOG_LIMIT, mergeDetail, mergeLogs, progressOf, type RunView, type WorkflowFrame } from '../src/workflows/runState';
import { RUN, uuid, workflowRun as run } from './fixtures';

const agentFrame = (position: number, over: Partial<Extract<WorkflowFrame, { type: 'workflow_agent' }> & { ts: string }> = {}) => ({
  type: 'workflow_agent' as const,
  run_id: RUN,
  position,
  label: `worker ${position}`,
  phase: 'Fan out',
  status: 'running' as const,
  cached: false,
  task_id: uuid(100 + position),
  attempt: 1,
  ts: `2026-01-01T00:00:0${position}Z`,
  ...over,
});
const apiAgent = (position: number, over: Partial<WorkflowRunAgent> = {}): WorkflowRunAgent => ({
  position,
  label: `worker ${position}`,
  phase: 'Fan out',
  status: 'running',
  cached: false,
  task_id: uuid(100 + position),
  attempts: 1,
  chat_id: uuid(200 + position),
  agent: 'native',
  model: 'm',
  task_status: 'running',
  prompt: `p${position}`,
  usage: emptyUsage(),
  cost: null,
  result: null,
  error: null,
  worktree: null,
  started_at: '2026-01-01T00:00:00Z',
  finished_at: null,
  ...over,
});
const apply = (v: RunView, ...frames: (WorkflowFrame & { ts: string })[]) => frames.reduce(applyRunFrame, v);

describe('run view state', () => {
  it('builds agents from frames, positions in order even when announced out of order', () => {
    const v = apply(emptyRunView(run()), agentFrame(1), agentFrame(0));
    expect(v.agents.map((a) => [a.position, a.label, a.taskId])).toEqual([
      [0, 'worker 0', uuid(100)],
      [1, 'worker 1', uuid(101)],
    ]);
    expect(v.agents[1]!.startedAt).toBe('2026-01-01T00:00:01Z');
    // A later frame for 3 leaves a queued placeholder at 2 until its own frame comes.
    const w = apply(v, agentFrame(3));
    expect(w.agents[2]).toMatchObject({ position: 2, status: 'running', taskStatus: 'pending' });
  });

  it('names the agent and model from the running frame, and a finishing frame (which has none) keeps them', () => {
    const v = apply(emptyRunView(run()), agentFrame(0, { agent: 'opencode', model: 'big' }), agentFrame(0, { status: 'completed' }));
    expect(v.agents[0]).toMatchObject({ agent: 'opencode', model: 'big', status: 'completed' });
  });

  it('finishes agents with their usage and time, and marks cached ones', () => {
    const usage = { ...emptyUsage(), input_total: 50, output: 3 };
    const v = apply(emptyRunView(run()), agentFrame(0), agentFrame(0, { status: 'completed', usage, ts: '2026-01-01T00:00:05Z' }), agentFrame(1, { status: 'completed', cached: true }));
    expect(v.agents[0]).toMatchObject({ status: 'completed', usage, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:05Z' });
    expect(displayStatus(v.agents[0]!)).toBe('done');
    expect(displayStatus(v.agents[1]!)).toBe('cached');
    expect(progressOf(v)).toMatchObject({ done: 2, started: 2, running: 0, cached: 1 });
  });

  it('reads queued from the task: pending is queued, running is running', () => {
    const v = mergeDetail(undefined, { ...run(), agents: [apiAgent(0, { task_status: 'pending' }), apiAgent(1)] });
    expect(displayStatus(v.agents[0]!)).toBe('queued');
    expect(displayStatus(v.agents[1]!)).toBe('running');
    // Task frames are newer than the fetched detail.
    expect(displayStatus(v.agents[0]!, 'running')).toBe('running');
    expect(displayStatus({ ...v.agents[0]!, status: 'failed' })).toBe('failed');
    // Started by the script but waiting for one of the run's slots: no task yet.
    expect(displayStatus({ ...v.agents[1]!, taskId: null, taskStatus: null })).toBe('queued');
  });

  it('keeps what frames finished when an older detail arrives, and takes chat, agent and model from it', () => {
    const v = apply(emptyRunView(run()), agentFrame(0), agentFrame(0, { status: 'cancelled', error: 'stopped' }), {
      type: 'workflow_run',
      run: run({ status: 'cancelled' }),
      ts: '2026-01-01T00:00:09Z',
    });
    const detail: WorkflowRunDetail = { ...run(), agents: [apiAgent(0), apiAgent(1)] };
    const m = mergeDetail(v, detail);
    expect(m.run.status).toBe('cancelled');
    expect(m.agents[0]).toMatchObject({ status: 'cancelled', error: 'stopped', chatId: uuid(200), agent: 'native', model: 'm' });
    // The run is over: an agent the old detail still shows going was stopped with it.
    expect(m.agents[1]).toMatchObject({ status: 'cancelled', chatId: uuid(201) });
    expect(m.loaded).toBe(true);
  });

  it('places a detail with a gap (a later step stored first) by position: no agent shown twice', () => {
    // Steps started side by side are stored in any order: the detail may hold 0 and 2 but not yet 1.
    const v = mergeDetail(undefined, { ...run(), agents: [apiAgent(0), apiAgent(2, { label: 'worker 2' })] });
    expect(v.agents.map((a) => a.position)).toEqual([0, 1, 2]);
    const w = apply(v, agentFrame(1));
    expect(w.agents.map((a) => [a.position, a.label])).toEqual([
      [0, 'worker 0'],
      [1, 'worker 1'],
      [2, 'worker 2'],
    ]);
    const m = mergeDetail(w, { ...run(), agents: [apiAgent(0), apiAgent(1), apiAgent(2)] });
    expect(groupByPhase(m).flatMap((g) => g.agents.map((a) => a.label))).toEqual(['worker 0', 'worker 1', 'worker 2']);
  });

  it('agents still going when the run ends read as stopped with it', () => {
    const v = apply(emptyRunView(run()), agentFrame(0), agentFrame(1), agentFrame(1, { status: 'completed' }), {
      type: 'workflow_run',
      run: run({ status: 'cancelled', finished_at: '2026-01-01T00:00:09Z' }),
      ts: '2026-01-01T00:00:09Z',
    });
    expect(v.agents.map((a) => [a.status, a.error])).toEqual([
      ['cancelled', 'the run ended'],
      ['completed', null],
    ]);
    expect(v.agents[0]!.finishedAt).toBe('2026-01-01T00:00:09Z');
    // The same from a fetched detail whose steps were left running.
    const m = mergeDetail(undefined, { ...run({ status: 'failed' }), agents: [apiAgent(0)] });
    expect(m.agents[0]!.status).toBe('cancelled');
  });

  it('a retry on a new task forgets the old chat until the detail says which', () => {
    const v = mergeDetail(undefined, { ...run(), agents: [apiAgent(0)] });
    const w = apply(v, agentFrame(0, { task_id: uuid(300), attempt: 2 }));
    expect(w.agents[0]).toMatchObject({ taskId: uuid(300), chatId: null, attempts: 2, taskStatus: 'pending' });
  });

  it('groups agents by phase in the order phases began; log lines in order, bounded', () => {
    let v = apply(
      emptyRunView(run()),
      { type: 'workflow_phase', run_id: RUN, title: 'Plan', ts: 't' },
      agentFrame(0, { phase: null }),
      agentFrame(1, { phase: 'Build' }),
      agentFrame(2, { phase: 'Plan' }),
      { type: 'workflow_log', run_id: RUN, message: 'one', ts: 't' },
      { type: 'workflow_log', run_id: RUN, message: 'two', ts: 't' },
    );
    expect(groupByPhase(v).map((g) => [g.phase, g.agents.map((a) => a.position)])).toEqual([
      [null, [0]],
      ['Plan', [2]],
      ['Build', [1]],
    ]);
    expect(v.logs).toEqual(['one', 'two']);
    // Fetched: the phases in the order of their agents, then the current one with none yet.
    const m = mergeDetail(undefined, { ...run({ phase: 'Ship' }), agents: [apiAgent(0, { phase: 'Build' }), apiAgent(1, { phase: 'Plan' }), apiAgent(2, { phase: 'Build' })] });
    expect(m.phases).toEqual(['Build', 'Plan', 'Ship']);
    for (let i = 0; i < LOG_LIMIT + 5; i++) v = applyRunFrame(v, { type: 'workflow_log', run_id: RUN, message: `l${i}`, ts: 't' });
    expect(v.logs).toHaveLength(LOG_LIMIT);
    expect(v.logs.at(-1)).toBe(`l${LOG_LIMIT + 4}`);
    expect(v.logsDropped).toBe(7);
  });

  it('joins the stored log lines with the streamed ones by their numbers: none twice, none lost', () => {
    const log = (line: number, message: string) => ({ type: 'workflow_log' as const, run_id: RUN, message, line, ts: 't' });
    // Opened mid-run: lines 3 and 4 streamed before the stored ones (1 to 3) came back.
    let v = emptyRunView(run());
    v = applyRunFrame(applyRunFrame(v, log(3, 'c')), log(4, 'd'));
    expect(v).toMatchObject({ logs: ['c', 'd'], logLine: 4, logsDropped: 2 });
    const at = '2026-01-01T00:00:00Z';
    v = mergeLogs(v, { items: [{ line: 1, message: 'a', at }, { line: 2, message: 'b', at }, { line: 3, message: 'c', at }], dropped: 0 });
    expect(v).toMatchObject({ logs: ['a', 'b', 'c', 'd'], logLine: 4, logsDropped: 0 });
    // A line sent again (a run taken over replays its script) is not repeated.
    expect(applyRunFrame(v, log(2, 'b'))).toBe(v);
    v = applyRunFrame(v, log(5, 'e'));
    expect(v.logs).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The server kept only the newest lines: the view says how many are gone.
    v = mergeLogs(emptyRunView(run()), { items: [{ line: 301, message: 'x', at }], dropped: 300 });
    expect(v).toMatchObject({ logs: ['x'], logLine: 301, logsDropped: 300 });
  });

  it('adds up the cost of the agents that have one, and says nothing of cost when none has', () => {
    let v = mergeDetail(undefined, { ...run(), agents: [apiAgent(0), apiAgent(1)] });
    expect(progressOf(v).cost).toBeNull();
    v = mergeDetail(v, { ...run(), agents: [apiAgent(0, { cost: 0.5 }), apiAgent(1, { cost: 0.25 })] });
    expect(progressOf(v).cost).toBe(0.75);
  });
});
