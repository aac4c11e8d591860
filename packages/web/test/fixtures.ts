import { emptyUsage, SessionFrame, type Message, type SessionFramePayload, type WorkflowRun } from '@boocode/contracts';

/** Test data built through the contracts' schemas, so fixtures cannot drift from the wire. */
export const SESSION = '00000000-0000-4000-8000-000000000001';
export const CHAT = '00000000-0000-4000-8000-000000000002';
export const TASK = '00000000-0000-4000-8000-000000000003';
export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let seq = 0;
export function frame(payload: SessionFramePayload, at = seq + 1): SessionFrame {
  seq = at;
  return SessionFrame.parse({ ...payload, seq: at, session_id: SESSION, ts: new Date(1_700_000_000_000 + at).toISOString() });
}

export function message(n: number, over: Partial<Message> = {}): Message {
  return {
    id: uuid(n),
    chat_id: CHAT,
    session_id: SESSION,
    task_id: null,
    role: 'user',
    content: `message ${n}`,
    reasoning: '',
    status: 'complete',
    model: null,
    turn: null,
    usage: emptyUsage(),
    started_at: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    finished_at: new Date(1_700_000_000_000 + n * 1000 + 500).toISOString(),
    metadata: {},
    cursor: String(n),
    ...over,
  };
}

/** A workflow run of the test session, running, with nothing done yet. */
export const RUN = uuid(70);
export const workflowRun = (over: Partial<WorkflowRun> = {}): WorkflowRun => ({
  id: RUN,
  session_id: SESSION,
  project_id: uuid(9),
  name: 'fan-out',
  source: 'project',
  budget: null,
  resume_from: null,
  status: 'running',
  error: null,
  phase: null,
  usage: emptyUsage(),
  agent_counts: { total: 0, running: 0, cached: 0 },
  agent_limit: null,
  cancel_requested: false,
  created_at: '2026-01-01T00:00:00Z',
  started_at: '2026-01-01T00:00:00Z',
  finished_at: null,
  ...over,
});
