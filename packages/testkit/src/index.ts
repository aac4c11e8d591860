export * from './fake-llm/index.js';
export * from './fake-acp/index.js';
export * from './fake-paseo/index.js';
export * from './opencode-home.js';
export * from './paseo-daemon.js';
export * from './scratch.js';
export * from './process-end.js';
export * from './scripted-cli.js';
