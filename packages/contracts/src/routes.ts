import type { z, ZodType } from 'zod';
import { StreamQuery } from './frames.js';
import type { RouteDef } from './routes/def.js';
import { metaRoutes } from './routes/meta.js';
import { projectRoutes } from './routes/projects.js';
import { sessionRoutes } from './routes/sessions.js';
import { messageRoutes } from './routes/messages.js';
import { traceRoutes } from './routes/traces.js';
import { permissionRoutes } from './routes/permissions.js';
import { agentRoutes } from './routes/agents.js';
import { reviewRoutes } from './routes/review.js';
import { idRoutes } from './routes/ids.js';
import { workflowRoutes } from './routes/workflows.js';
import { terminalRoutes } from './routes/terminals.js';
import { subagentRoutes } from './routes/subagents.js';
import { searchRoutes } from './routes/search.js';
import { imageRoutes } from './routes/images.js';

export * from './routes/errors.js';
export * from './routes/def.js';
export { LoginCodeQuery, LoginBody, LoginCode, OpenApiDocument, RotatedToken } from './routes/meta.js';
export { ProjectList } from './routes/projects.js';
export { SessionList, ChatList, ListChatsQuery, FirstChat, CancelSessionResult } from './routes/sessions.js';
export { PermissionList } from './routes/permissions.js';
export { AgentsQuery } from './routes/agents.js';
export { PendingChangeResponse } from './routes/review.js';
export { TaskList } from './routes/messages.js';
export { ImageHash, ImageParams, MessageImage, MessageImageList } from './routes/images.js';
export { IdKind, IdPrefix, IdMatch, IdMatches, ResolveIdsQuery, ID_MATCH_LIMIT } from './routes/ids.js';

/**
 * Every HTTP route of the API. The server registers exactly these (one handler each), the OpenAPI
 * document and the client are derived from them, and docs/api.md is checked against them.
 */
export const routes = {
  ...metaRoutes,
  ...projectRoutes,
  ...sessionRoutes,
  ...messageRoutes,
  ...traceRoutes,
  ...permissionRoutes,
  ...agentRoutes,
  ...reviewRoutes,
  ...idRoutes,
  ...workflowRoutes,
  ...terminalRoutes,
  ...subagentRoutes,
  ...searchRoutes,
  ...imageRoutes,
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

/**
 * The WebSocket streams (GET upgrades). The session and user streams carry `SessionFrame` and
 * `UserFrame`; a terminal's carries its bytes and `TerminalServerMessage` / `TerminalClientMessage`.
 */
export const streams = {
  sessionStream: {
    path: '/api/sessions/:id/stream',
    summary: "A session's frames, each with a per-session monotonic seq",
    query: StreamQuery,
  },
  userEvents: {
    path: '/api/events',
    summary: 'Frames about projects, sessions and task states across sessions',
    query: StreamQuery,
  },
  terminalStream: {
    path: '/api/terminals/:id/stream',
    summary: "A terminal's screen and scrollback, then its live output; input and resizes from the client",
  },
} as const;
export type StreamName = keyof typeof streams;

/** The schema a route declares for a part of the request or the response, or undefined. */
export type RouteSchema<N extends RouteName, K extends 'params' | 'query' | 'body' | 'response'> =
  Routes[N] extends { readonly [P in K]: infer S extends ZodType } ? S : undefined;

/** A request part as the caller writes it: optional when the schema accepts an empty object. */
type InputPart<K extends string, S> = S extends ZodType
  ? {} extends z.input<S>
    ? { [P in K]?: z.input<S> }
    : { [P in K]: z.input<S> }
  : {};

/** What a caller sends: `{params?, query?, body?}`, only the parts the route has. */
export type RouteInput<N extends RouteName> = InputPart<'params', RouteSchema<N, 'params'>> &
  InputPart<'query', RouteSchema<N, 'query'>> &
  InputPart<'body', RouteSchema<N, 'body'>>;

/** What a route answers with (after validation); void for a route without a body. */
export type RouteOutput<N extends RouteName> = RouteSchema<N, 'response'> extends infer S extends ZodType ? z.output<S> : void;
