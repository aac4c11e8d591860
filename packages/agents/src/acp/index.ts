export { AcpBackend, type AcpBackendOptions } from './backend.js';
export { AgentCrashedError, type AcpCommand } from './process.js';
export { confine, OutsideRootError, RefusedPathError } from './fs.js';
