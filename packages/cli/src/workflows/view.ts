import type { SessionFrame, WorkflowLogList, WorkflowRun, WorkflowRunAgent, WorkflowRunDetail } from '@boocode/contracts';
import { formatAge, formatDuration } from '../duration.js';
import { shortId } from '../ids.js';
import { tokens } from '../logs/printer.js';
import type { Paint } from '../output/color.js';
import { renderFields, renderTable } from '../output/table.js';

/** Run states after which nothing changes any more. */
export const RUN_FINISHED: ReadonlySet<WorkflowRun['status']> = new Set(['completed', 'failed', 'cancelled']);

/** A frame that belongs to the run `runId`. */
export function isRunFrame(f: SessionFrame, runId: string): boolean {
  if (f.type === 'workflow_run') return f.run.id === runId;
  return (f.type === 'workflow_phase' || f.type === 'workflow_agent' || f.type === 'workflow_log') && f.run_id === runId;
}

const took = (r: WorkflowRun) => (r.started_at && r.finished_at ? ` in ${formatDuration(new Date(r.finished_at).getTime() - new Date(r.started_at).getTime())}` : '');

/** `run 1a2b3c4d completed in 3.2 s · 20 agents (4 cached) · 100 in / 60 out tokens: error` */
export function runSummary(r: WorkflowRun): string {
  const agents = ` · ${r.agent_counts.total} agent(s)${r.agent_counts.cached ? ` (${r.agent_counts.cached} cached)` : ''}`;
  return `${r.name} run ${shortId(r.id)} ${r.status}${took(r)}${agents}${tokens(r.usage)}${r.error ? `: ${r.error}` : ''}`;
}

const agentName = (a: { position: number; label: string | null }) => `agent ${a.position}${a.label ? ` (${a.label})` : ''}`;

/** One line for one agent as it stands (history) or as a frame reports it. */
function agentLine(a: { position: number; label: string | null; status: string; cached: boolean; error?: string | null | undefined; attempt?: number }, paint: Paint): string {
  if (a.status === 'running') return `${agentName(a)} running${a.attempt && a.attempt > 1 ? ` (attempt ${a.attempt})` : ''}`;
  const status = a.status === 'completed' ? paint.green(a.status) : paint.red(a.status);
  return `${agentName(a)} ${status}${a.cached ? ' (cached)' : ''}${a.error ? `: ${a.error}` : ''}`;
}

/** A readable line for one frame of the run, or null for frames that say nothing new. */
export function frameLine(f: SessionFrame, paint: Paint): string | null {
  switch (f.type) {
    case 'workflow_run':
      if (RUN_FINISHED.has(f.run.status)) return runSummary(f.run);
      return f.run.cancel_requested ? `run ${shortId(f.run.id)} cancelling` : `run ${shortId(f.run.id)} ${f.run.status}`;
    case 'workflow_phase':
      return paint.bold(`phase: ${f.title}`);
    case 'workflow_agent':
      return agentLine(f, paint);
    case 'workflow_log':
      return `log: ${f.message}`;
    default:
      return null;
  }
}

/** The lines of a run's history: the agents so far, the lines it logged, then how it ended. */
export function historyLines(d: WorkflowRunDetail, logs: WorkflowLogList, paint: Paint): string[] {
  const lines: string[] = [];
  let phase: string | null = null;
  for (const a of d.agents) {
    if (a.phase && a.phase !== phase) lines.push(paint.bold(`phase: ${a.phase}`));
    phase = a.phase ?? phase;
    lines.push(agentLine(a, paint));
  }
  if (logs.dropped) lines.push(paint.dim(`(${logs.dropped} earlier log line(s) no longer kept)`));
  for (const l of logs.items) lines.push(`log: ${l.message}`);
  lines.push(RUN_FINISHED.has(d.status) ? runSummary(d) : `run ${shortId(d.id)} ${d.status}${d.phase ? `, in phase ${d.phase}` : ''}`);
  return lines;
}

const resultText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

/** A run for people: its fields, its agents, its result. */
export function detailText(d: WorkflowRunDetail, paint: Paint): string {
  const fields: [string, string][] = [
    ['run', d.id],
    ['workflow', `${d.name} (${d.source})`],
    ['session', d.session_id],
    ['status', `${d.status}${took(d)}${d.cancel_requested && !RUN_FINISHED.has(d.status) ? ', cancelling' : ''}`],
  ];
  if (d.phase) fields.push(['phase', d.phase]);
  if (d.args !== undefined) fields.push(['args', JSON.stringify(d.args)]);
  if (d.resume_from) fields.push(['resumed from', d.resume_from]);
  fields.push(['agents', `${d.agent_counts.total} (${d.agent_counts.running} running, ${d.agent_counts.cached} cached)`]);
  fields.push(['usage', `${d.usage.input_total} in / ${d.usage.output} out tokens`]);
  if (d.error) fields.push(['error', paint.red(d.error)]);
  const parts = [renderFields(fields, paint)];
  if (d.agents.length) parts.push('\n' + agentTable(d.agents, paint));
  if (d.result !== undefined) parts.push(`\n${paint.bold('result')}\n${resultText(d.result)}\n`);
  return parts.join('');
}

function agentTable(agents: readonly WorkflowRunAgent[], paint: Paint): string {
  return renderTable(
    agents,
    [
      ['#', (a) => String(a.position)],
      ['LABEL', (a) => a.label ?? ''],
      ['PHASE', (a) => a.phase ?? ''],
      ['STATUS', (a) => `${a.status}${a.cached ? ' (cached)' : ''}${a.attempts > 1 ? ` ×${a.attempts}` : ''}`],
      ['TASK', (a) => (a.task_id ? shortId(a.task_id) : '')],
      ['TOKENS', (a) => `${a.usage.input_total}/${a.usage.output}`],
      ['ERROR', (a) => a.error ?? ''],
    ],
    paint,
  );
}

/** Runs as a table, newest first. */
export function runTable(runs: readonly WorkflowRun[], paint: Paint): string {
  if (runs.length === 0) return 'no workflow runs\n';
  return renderTable(
    runs,
    [
      ['RUN', (r) => shortId(r.id)],
      ['WORKFLOW', (r) => r.name],
      ['SESSION', (r) => shortId(r.session_id)],
      ['STATUS', (r) => r.status],
      ['PHASE', (r) => r.phase ?? ''],
      ['AGENTS', (r) => `${r.agent_counts.total}${r.agent_counts.cached ? ` (${r.agent_counts.cached} cached)` : ''}`],
      ['CREATED', (r) => formatAge(r.created_at)],
    ],
    paint,
  );
}
