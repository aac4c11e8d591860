export { SandboxMode, SandboxSettings, type SandboxSettingsInput } from './settings.js';
export { probeSandbox, type SandboxProbe } from './detect.js';
export { sandboxCommand, sandboxAgentCommand, externalAgentSandbox, sandboxSpawnError, sandboxState, type Confined, type SandboxPolicy, type SandboxState } from './policy.js';
