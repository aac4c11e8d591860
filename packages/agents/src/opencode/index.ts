export { OpenCodeBackend, type OpenCodeBackendOptions } from './backend.js';
export { DEFAULT_PERMISSIONS, parseModel, type ModelRef, type OpenCodeConfig } from './config.js';
export { usageFromTokens } from './usage.js';
export type { AgentLogger } from '../external/logger.js';
