import type { WorkflowAgentOptions, WorkflowAgentOutcome } from '@boocode/contracts';

/** One attempt of one `agent()` call, as the executor runs it. */
export interface AgentCall {
  position: number;
  key: string;
  /** 1 for the first attempt; later attempts retry output that did not match `options.schema`. */
  attempt: number;
  /** What to send: the script's prompt, plus the schema and, on a retry, what was wrong. */
  prompt: string;
  options: WorkflowAgentOptions;
  /** The phase the call belongs to (its `phase` option, or the script's current phase). */
  phase: string | null;
  /** The previous attempt's `ref`, so a retry can continue that conversation. */
  continueFrom: string | null;
  /** Aborted when the run is cancelled or ends with the call still going. */
  signal: AbortSignal;
}

/** Runs agent calls; the server implements it with tasks on its queue. */
export interface AgentExecutor {
  run(call: AgentCall): Promise<WorkflowAgentOutcome>;
}
