export { PtyBackend, DEFAULT_PTY_TIMEOUT_SECONDS, type PtyBackendOptions } from './backend.js';
export { TerminalText } from './terminal-text.js';
export { fillTemplate, templateProblems, PLACEHOLDERS } from './template.js';
