export { builtinAgents, discoverAgents, type DiscoveryOptions } from './discover.js';
export { listAgentModels, type ModelListOptions } from './models.js';
export { resolveOpenCodeBinary, which } from './which.js';
export { backendFor, type BackendFactoryOptions } from './factory.js';
