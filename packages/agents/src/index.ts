export * from './native/index.js';
export * from './opencode/index.js';
export * from './acp/index.js';
export * from './paseo/index.js';
export * from './discovery/index.js';
export * from './backends/index.js';
export type { Env } from './external/env.js';
export { keepChildLedger } from './external/child-ledger.js';
export * from './sandbox/index.js';
