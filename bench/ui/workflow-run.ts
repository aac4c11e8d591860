// The workflow run view with many agents (part of bench/ui): first render of a run of N agents
// (against a 20-agent run as the baseline), and the frame rate while every agent streams its
// state (running, then done with usage) and the script logs, against the idle page.
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { emptyUsage, type WorkflowRun, type WorkflowRunAgent, type WorkflowRunDetail } from '@boocode/contracts';
import { openBrowser } from '../../packages/web/e2e/helpers/browser.js';
import { WEB_DIR } from '../../packages/web/e2e/helpers/web-build.js';
import { CHAT_ID, makeMessages, PROJECT_ID, SESSION_ID, startFakeServer } from './fake-api.js';

const RUN_ID = '10000000-0000-4000-8000-0000000aaaaa';
const id = (n: number) => `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const wire = (seq: number, payload: Record<string, unknown>) => JSON.stringify({ ...payload, seq, session_id: SESSION_ID, ts: new Date().toISOString() });

function runOf(agents: number): WorkflowRun {
  return {
    id: RUN_ID,
    session_id: SESSION_ID,
    project_id: PROJECT_ID,
    name: 'fan-out',
    source: 'project',
    budget: 200_000,
    resume_from: null,
    status: 'running',
    error: null,
    phase: 'Review',
    usage: emptyUsage(),
    agent_counts: { total: agents, running: agents, cached: 0 },
    agent_limit: 1000,
    cancel_requested: false,
    created_at: new Date().toISOString(),
    started_at: new Date().toISOString(),
    finished_at: null,
  };
}

function agentOf(i: number): WorkflowRunAgent {
  return {
    position: i,
    label: `reviewer ${i}`,
    phase: ['Research', 'Review', 'Verify'][i % 3]!,
    status: 'running',
    cached: false,
    task_id: id(i),
    attempts: 1,
    chat_id: id(10_000 + i),
    agent: 'native',
    model: 'bench-model',
    task_status: 'running',
    prompt: `review part ${i}`,
    usage: emptyUsage(),
    cost: 0.0123,
    result: null,
    error: null,
    worktree: null,
    started_at: new Date().toISOString(),
    finished_at: null,
  };
}

/** Opens the session with the workflows panel on the run; resolves once its rows show. */
async function openRun(agents: number) {
  const sockets: WebSocket[] = [];
  const detail: WorkflowRunDetail = { ...runOf(agents), agents: Array.from({ length: agents }, (_, i) => agentOf(i)) };
  const [browser, server] = await Promise.all([
    openBrowser(),
    startFakeServer(
      path.join(WEB_DIR, 'dist'),
      makeMessages(20),
      (ws) => {
        sockets.push(ws);
        ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
        ws.send(wire(1, { type: 'agent_snapshot', in_flight: [] }));
      },
      (p) =>
        p === `/api/sessions/${SESSION_ID}/workflow-runs`
          ? { items: [detail] }
          : p === `/api/workflow-runs/${RUN_ID}`
            ? detail
            : p === `/api/workflow-runs/${RUN_ID}/logs`
              ? { items: [], dropped: 0 }
            : p === `/api/projects/${PROJECT_ID}/workflows`
              ? { items: [], problems: [] }
              : undefined,
    ),
  ]);
  const { page } = browser;
  await page.addInitScript(() => localStorage.setItem('boocode.panel', 'workflows'));
  const t0 = Date.now();
  await page.goto(`${server.origin}/?session=${SESSION_ID}&chat=${CHAT_ID}`);
  await page.getByRole('list', { name: 'Runs' }).getByRole('button').first().click();
  await page.getByRole('row', { name: /^reviewer 0, / }).waitFor();
  const ms = Date.now() - t0;
  return { browser, server, page, socket: sockets[sockets.length - 1]!, ms };
}

async function firstRender(agents: number): Promise<Record<string, string | number>> {
  const { browser, server, page, ms } = await openRun(agents);
  try {
    const rows = await page.getByRole('row').count();
    return { agents, 'open + first render ms': ms, 'rows in DOM': rows };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function measure(page: Page, probe: string, ms: number): Promise<{ fps: number; worstMs: number; over50: number }> {
  return page.evaluate(`(${probe})(${ms})`) as Promise<{ fps: number; worstMs: number; over50: number }>;
}

/** Every agent goes through running (a new task) and completed with usage, in a loop, plus log lines. */
async function streaming(agents: number, framesPerSecond: number, seconds: number, probe: string): Promise<Record<string, string | number>[]> {
  const { browser, server, page, socket } = await openRun(agents);
  try {
    const idle = await measure(page, probe, 2000);
    let seq = 1;
    let sent = 0;
    const tStart = Date.now();
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - tStart) / 1000) * framesPerSecond);
      for (; sent < due; sent++) {
        const i = sent % agents;
        const round = Math.floor(sent / agents);
        const base = { type: 'workflow_agent', run_id: RUN_ID, position: i, label: `reviewer ${i}`, phase: ['Research', 'Review', 'Verify'][i % 3], cached: false, task_id: id(i), attempt: 1 };
        if (sent % 10 === 9) socket.send(wire(++seq, { type: 'workflow_log', run_id: RUN_ID, message: `reviewer ${i} finished round ${round}` }));
        else if (round % 2 === 0) socket.send(wire(++seq, { ...base, status: 'running' }));
        else socket.send(wire(++seq, { ...base, status: 'completed', usage: { ...emptyUsage(), input_total: 1000 + round, output: 50 + round }, error: null }));
      }
    }, 5);
    const live = await measure(page, probe, seconds * 1000);
    clearInterval(timer);
    return [
      { scenario: `${agents} agents, idle (baseline)`, fps: idle.fps, 'worst frame ms': idle.worstMs, 'frames > 50 ms': idle.over50, 'frames sent': 0 },
      { scenario: `${agents} agents, ${framesPerSecond} frames/s`, fps: live.fps, 'worst frame ms': live.worstMs, 'frames > 50 ms': live.over50, 'frames sent': sent },
      { scenario: 'ratio streaming/idle fps', fps: live.fps / idle.fps, 'worst frame ms': '', 'frames > 50 ms': '', 'frames sent': '' },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The run view's figures: first render of 200 agents against 20, frame rate while 200 stream. */
export async function workflowRunFigures(probe: string): Promise<{ render: Record<string, string | number>[]; stream: Record<string, string | number>[] }> {
  const small = await firstRender(20);
  const large = await firstRender(200);
  const render = [
    small,
    large,
    { agents: 'ratio 200/20', 'open + first render ms': (large['open + first render ms'] as number) / (small['open + first render ms'] as number), 'rows in DOM': '' },
  ];
  return { render, stream: await streaming(200, 400, 5, probe) };
}
