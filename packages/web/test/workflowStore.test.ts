import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyUsage, type SessionFrame, type WorkflowLogList, type WorkflowRunDetail } from '@boocode/contracts';
import { WorkflowStore, type WorkflowApi } from '../src/workflows/WorkflowStore';
import { RUN, SESSION, uuid, workflowRun as run } from './fixtures';

let seq = 0;
const frame = (payload: Record<string, unknown>) => ({ seq: ++seq, session_id: SESSION, ts: '2026-01-01T00:00:00Z', ...payload }) as SessionFrame;

function setup(detail: () => WorkflowRunDetail, logs: () => WorkflowLogList = () => ({ items: [], dropped: 0 }), synced = true) {
  let listener: ((f: readonly SessionFrame[] | null) => void) | null = null;
  const calls: string[] = [];
  const api: WorkflowApi = {
    catalog: () => Promise.resolve({ items: [], problems: [] }),
    listRuns: () => (calls.push('list'), Promise.resolve({ items: [run()] })),
    getRun: () => (calls.push('get'), Promise.resolve(detail())),
    logs: () => (calls.push('logs'), Promise.resolve(logs())),
    start: () => Promise.reject(new Error('not here')),
    cancelRun: () => Promise.resolve(run({ cancel_requested: true })),
    cancelTask: () => Promise.reject(Object.assign(new Error('the task has already finished'))),
  };
  const store = new WorkflowStore(SESSION, api, { onFrames: (fn) => ((listener = fn), () => (listener = null)), hasSynced: () => synced });
  store.start();
  return { store, calls, send: (f: readonly SessionFrame[] | null) => listener!(f) };
}

afterEach(() => vi.useRealTimers());

describe('WorkflowStore', () => {
  it("on a session still loading, fetches the list once, at the session's first refetch", async () => {
    const { calls, send } = setup(() => ({ ...run(), agents: [] }), undefined, false);
    await Promise.resolve();
    expect(calls).toEqual([]);
    send(null);
    await Promise.resolve();
    expect(calls).toEqual(['list']);
  });

  it('applies frames to an opened run and fetches the detail again for agents whose chat it does not know', async () => {
    vi.useFakeTimers();
    let stored: WorkflowRunDetail['agents'] = [];
    const { store, calls, send } = setup(() => ({ ...run(), agents: stored }));
    store.openRun(RUN);
    await vi.runAllTimersAsync();
    expect(calls).toEqual(['list', 'get', 'logs']);
    send([frame({ type: 'workflow_agent', run_id: RUN, position: 0, label: 'w', phase: null, status: 'running', cached: false, task_id: uuid(100), attempt: 1 })]);
    expect(store.getSnapshot().details[RUN]!.agents[0]).toMatchObject({ label: 'w', status: 'running', chatId: null });
    // A burst of frames makes one refetch, not one per frame.
    send([frame({ type: 'workflow_log', run_id: RUN, message: 'hi' })]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(['list', 'get', 'logs', 'get']);
    expect(store.getSnapshot().details[RUN]!.logs).toEqual(['hi']);
    // The frames' agent stays: the detail was answered before its step was stored...
    expect(store.getSnapshot().details[RUN]!.agents).toHaveLength(1);
    // ...so it asks again until the step (with its chat) is there, then stops asking.
    stored = [
      {
        position: 0,
        label: 'w',
        phase: null,
        status: 'running',
        cached: false,
        task_id: uuid(100),
        attempts: 1,
        chat_id: uuid(200),
        agent: 'native',
        model: null,
        task_status: 'running',
        prompt: 'p',
        usage: emptyUsage(),
        cost: null,
        result: null,
        error: null,
        worktree: null,
        started_at: '2026-01-01T00:00:00Z',
        finished_at: null,
      },
    ];
    await vi.runAllTimersAsync();
    expect(calls).toEqual(['list', 'get', 'logs', 'get', 'get']);
    expect(store.getSnapshot().details[RUN]!.agents[0]).toMatchObject({ chatId: uuid(200), agent: 'native' });
    store.stop();
  });

  it('after a resync fetches the list and the opened runs again; ignores other frames', async () => {
    vi.useFakeTimers();
    const { store, calls, send } = setup(() => ({ ...run(), agents: [] }));
    store.openRun(RUN);
    await vi.runAllTimersAsync();
    send([frame({ type: 'message_delta', chat_id: uuid(2), message_id: uuid(3), text: 'x' })]);
    send(null);
    await vi.runAllTimersAsync();
    expect(calls).toEqual(['list', 'get', 'logs', 'list', 'get', 'logs']);
    // A finished run is shown finished from its frame, and fetched once more for its results.
    send([frame({ type: 'workflow_run', run: run({ status: 'completed', result: { ok: true } }) })]);
    expect(store.getSnapshot().runs![0]!.status).toBe('completed');
    await vi.runAllTimersAsync();
    expect(calls.at(-1)).toBe('get');
    store.stop();
  });

  it('passes a refused agent stop on to the caller', async () => {
    const { store } = setup(() => ({ ...run(), agents: [] }));
    await expect(store.cancelAgent(uuid(100))).rejects.toThrow('the task has already finished');
    await store.cancelRun(RUN);
    expect(store.getSnapshot().runs![0]!.cancel_requested).toBe(true);
    store.stop();
  });
});
