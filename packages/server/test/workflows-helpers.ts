import type { WorkflowRun, WorkflowRunDetail } from '@boocode/contracts';
import type { ApiResponse } from '@boocode/testkit/server';

/** Shared by the workflow run tests (workflows-*.test.ts). */

export type Api = <T>(method: string, url: string, body?: unknown) => Promise<ApiResponse<T>>;

export const FINISHED_RUN = ['completed', 'failed', 'cancelled'];

/** A workflow file: the meta line, then the body. */
export const script = (body: string, name = 'test'): string =>
  `export const meta = { name: '${name}', description: 'a test workflow' };\n${body}`;

/** Starts a run and returns it, failing with the server's answer when it is refused. */
export async function startRun(api: Api, sessionId: string, body: Record<string, unknown>): Promise<WorkflowRun> {
  const r = await api<WorkflowRun>('POST', `/api/sessions/${sessionId}/workflow-runs`, body);
  if (r.status !== 201) throw new Error(`run not started: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Polls the run through the API until `done` holds (by default: it has finished). */
export async function waitRun(
  api: Api,
  id: string,
  done: (r: WorkflowRunDetail) => boolean = (r) => FINISHED_RUN.includes(r.status),
  timeoutMs = 120_000,
): Promise<WorkflowRunDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = (await api<WorkflowRunDetail>('GET', `/api/workflow-runs/${id}`)).body;
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${r.status}: ${JSON.stringify(r.agent_counts)}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}
