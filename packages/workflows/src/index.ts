export { parseWorkflow, type ParsedWorkflow } from './loader.js';
export { WorkflowSourceError, SandboxUnavailableError } from './errors.js';
export { assertSandboxAvailable } from './isolated-vm.js';
export { runWorkflow, runWorkflowSource, type RunWorkflowOptions, type WorkflowRunResult } from './runtime.js';
export type { StepJournal } from './journal.js';
export type { AgentCall, AgentExecutor } from './executor.js';
export { DEFAULT_LIMITS, type WorkflowLimits } from './limits.js';
export { stepKey } from './keys.js';
export { BUILTIN_DIR } from './builtin.js';
