export { PaseoBackend, type PaseoBackendOptions } from './backend.js';
export { defaultPaseoHost, PaseoCli, PaseoCliError, type PaseoAgentDetail, type PaseoCliOptions, type PaseoListItem } from './cli.js';
