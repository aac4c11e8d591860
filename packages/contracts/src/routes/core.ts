/**
 * The route groups nearly every client command calls (finding ids, sessions, chats, messages and
 * tasks, projects): one module, so that a command loads them in one go rather than a chunk each.
 */
export { metaRoutes } from './meta.js';
export { projectRoutes } from './projects.js';
export { sessionRoutes } from './sessions.js';
export { messageRoutes } from './messages.js';
export { idRoutes } from './ids.js';
