export { TerminalManager, type TerminalManagerOptions } from './manager.js';
export { TerminalSettings } from './settings.js';
export { TerminalError, TMUX_MISSING_MESSAGE } from './errors.js';
export { Attachment, DEFAULT_MAX_BACKLOG, type AttachOptions, type AttachmentEnd, type TerminalSnapshot } from './attachment.js';
