export * from './native/index.js';
export * from './opencode/index.js';
