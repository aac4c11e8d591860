import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUnstorable, routes, type RouteDef, type RouteName, type RouteSchema } from '@boocode/contracts';
import type { z, ZodType } from 'zod';
import { DomainError } from '../errors.js';
import { invalid, unstorableField } from './errors.js';

type Parsed<S> = S extends ZodType ? z.output<S> : undefined;

/** A request as a handler sees it: params, query and body parsed by the route's schemas. */
export interface HandlerInput<N extends RouteName> {
  params: Parsed<RouteSchema<N, 'params'>>;
  query: Parsed<RouteSchema<N, 'query'>>;
  body: Parsed<RouteSchema<N, 'body'>>;
}

/** What a handler returns: the response before validation, or nothing for a route without a body. */
type HandlerResult<N extends RouteName> = RouteSchema<N, 'response'> extends infer S extends ZodType ? z.input<S> : void;

export type Handler<N extends RouteName> = (input: HandlerInput<N>, req: FastifyRequest, reply: FastifyReply) => Promise<HandlerResult<N>>;

/** Handlers for some routes; the app assembles one for every route, so a missing one is a type error. */
export type Handlers<N extends RouteName = RouteName> = { [K in N]: Handler<K> };

const PASS = { success: true as const, data: undefined };

/** A request's parts checked against the route `name`'s schemas, as its handler takes them. */
export function routeInput<N extends RouteName>(name: N, raw: { params?: unknown; query?: unknown; body?: unknown }, url: string): HandlerInput<N> {
  const def: RouteDef = routes[name];
  const params = def.params ? def.params.safeParse(raw.params) : PASS;
  // A malformed id names nothing that exists, so it is a 404 like any unknown id.
  if (!params.success) throw new DomainError('not_found', `nothing at ${url}`);
  const query = def.query ? def.query.safeParse(raw.query ?? {}) : PASS;
  if (!query.success) throw invalid('query', query.error);
  const body = def.body ? def.body.safeParse(raw.body ?? {}) : PASS;
  if (!body.success) throw invalid('body', body.error);
  // Whatever reaches the database as text or JSON must be storable there, whichever field it is.
  const unstorable = findUnstorable(body.data) ?? findUnstorable(query.data);
  if (unstorable) throw unstorableField(unstorable);
  return { params: params.data, query: query.data, body: body.data } as HandlerInput<N>;
}

/** Registers the route `name` of the table: its schemas check the request and the response. */
export function implement<N extends RouteName>(app: FastifyInstance, name: N, handler: Handler<N>): void {
  const def: RouteDef = routes[name];
  app.route({
    method: def.method,
    url: def.path,
    handler: async (req, reply) => {
      const input = routeInput(name, { params: req.params, query: req.query, body: req.body }, req.url.split('?')[0] ?? '');
      const out = await handler(input, req, reply);
      if (reply.sent) return reply;
      if (!def.response) return reply.code(def.status).send();
      return reply.code(def.status).send(def.response.parse(out));
    },
  });
}

/** Registers every route of the table with its handler. */
export function implementAll(app: FastifyInstance, handlers: Handlers): void {
  for (const name of Object.keys(routes) as RouteName[]) implement(app, name, handlers[name] as Handler<typeof name>);
}
