export { BACKENDS, DEFAULT_AGENTS, CustomAgentConfig, CustomAgentsConfig, backendDefinition, type BackendSettings } from './registry.js';
export type { BackendDefinition, BackendDeps, EnvBinding, KnownAgent, Probe, ProbeContext } from './definition.js';
export { NativeSettings } from './native.js';
export { OpenCodeSettings } from './opencode.js';
export { AcpSettings } from './acp.js';
export { PaseoSettings } from './paseo.js';
export { PtySettings } from './pty.js';
