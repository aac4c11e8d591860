export { DEFAULT_AGENTS, type KnownAgent } from './catalog.js';
export { discoverAgents, type DiscoveryOptions } from './discover.js';
export { resolveOpenCodeBinary, which } from './which.js';
export { backendFor, type BackendFactoryOptions } from './factory.js';
