export { NativeBackend, type NativeBackendOptions } from './backend.js';
export { NativeAgentConfig, type NativeAgentConfigInput } from './config.js';
export { normalizeUsage } from './usage.js';
export { classifyError, ProviderIdleError, type TurnError } from './errors.js';
export { loadProjectConfig, resolveCheckCommand, detectPackageManager } from './project-check.js';
export { runCheck, checkNote, type CheckPlan, type CheckOutcome } from './check-after-write.js';
export * from './tools/index.js';
