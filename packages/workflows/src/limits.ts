/** Per-run limits. Over a limit is a clear error in the script, never silent truncation. */
export interface WorkflowLimits {
  /** Agent calls running at once; the rest queue. */
  maxConcurrentAgents: number;
  /** `agent()` calls in one run, nested workflows included. */
  maxAgents: number;
  /** Items in one `parallel()` or `pipeline()` call. */
  maxItems: number;
  /** CPU time of the script itself (not of its agents), for the whole run. */
  cpuTimeMs: number;
  /** Heap of the sandbox. */
  memoryMb: number;
  /** Attempts of an agent call whose output does not match its `schema`. */
  schemaAttempts: number;
}

export const DEFAULT_LIMITS: WorkflowLimits = {
  maxConcurrentAgents: 16,
  maxAgents: 1000,
  maxItems: 4096,
  cpuTimeMs: 10_000,
  memoryMb: 128,
  schemaAttempts: 5,
};
