import type { Usage } from '@boocode/contracts';
import type { NewModelCall } from '../db/model-calls.js';
import type { NewToolTrace, ToolTraceEnding } from '../db/traces.js';

/** Who a turn is, as its spans name it. */
export interface TurnSpanIdentity {
  sessionId: string;
  chatId: string;
  taskId: string;
  messageId: string;
  turn: number;
  agent: string;
  model: string | null;
  /** Set when the turn belongs to a workflow run. */
  workflowRunId: string | null;
  /** W3C traceparent of the span the turn belongs under (its workflow run's, or for a subagent its spawning call's), from the database. */
  parent: string | null;
}

/** A turn's `invoke_agent` span; its model and tool calls become child spans as they finish. */
export interface TurnSpan {
  /** For the turn's log lines: trace ids in the logs lead to the trace. */
  readonly traceId: string;
  modelCall(call: NewModelCall): void;
  /** Returns the call's `execute_tool` span as a W3C traceparent, kept with its trace for the subagents it spawns. */
  toolStarted(trace: NewToolTrace): string;
  toolFinished(traceId: string, end: ToolTraceEnding): void;
  end(o: { status: string; error: string | null; usage: Usage; model: string | null }): void;
}

/** A workflow run's `invoke_workflow` span: the turns of its agents are its children, in whichever process they run. */
export interface WorkflowSpan {
  readonly traceId: string;
  /** W3C traceparent, stored with the run for the turns of its agents. */
  readonly traceparent: string;
  end(o: { status: string; error: string | null }): void;
}

/** Spans of turns and workflow runs, or nothing at all when no collector is configured. */
export interface Telemetry {
  startTurn(id: TurnSpanIdentity): TurnSpan;
  /** `parent`: the traceparent of an earlier attempt's span, so a run taken over stays one trace. */
  startWorkflow(id: { runId: string; name: string; sessionId: string; parent: string | null }): WorkflowSpan;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry export when an OTLP endpoint is configured; null otherwise. The SDK is imported only
 * then, so a server without telemetry neither loads nor runs any of it.
 */
export async function startTelemetry(endpoint: string | null, version: string): Promise<Telemetry | null> {
  if (!endpoint) return null;
  const { createOtlpTelemetry } = await import('./otlp.js');
  return createOtlpTelemetry(endpoint, version);
}
