export * from './common.js';
export * from './agent.js';
export * from './rest.js';
export * from './frames.js';
export * from './project-config.js';
export * from './git.js';
export * from './agents.js';
export * from './runner.js';
