import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import { ApiError, invalid } from './errors.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType, R extends ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Absent for 204 responses. */
  response?: R;
  status?: number;
  handler: (
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
    req: FastifyRequest,
    reply: FastifyReply,
  ) => Promise<z.input<R> | void>;
}

type AnyRoute = RouteSpec<ZodType, ZodType, ZodType, ZodType>;

/** Collects every route's schemas so the OpenAPI document is generated from the same zod objects. */
export class RouteRegistry {
  readonly routes: AnyRoute[] = [];

  add<P extends ZodType, Q extends ZodType, B extends ZodType, R extends ZodType>(
    app: FastifyInstance,
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    this.routes.push(spec as unknown as AnyRoute);
    app.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        const params = spec.params ? spec.params.safeParse(req.params) : { success: true as const, data: undefined };
        // A malformed id names nothing that exists, so it is a 404 like any unknown id.
        if (!params.success) throw new ApiError(404, 'not_found', `nothing at ${req.url.split('?')[0]}`);
        const query = spec.query ? spec.query.safeParse(req.query ?? {}) : { success: true as const, data: undefined };
        if (!query.success) throw invalid('query', query.error);
        const body = spec.body ? spec.body.safeParse(req.body ?? {}) : { success: true as const, data: undefined };
        if (!body.success) throw invalid('body', body.error);
        const out = await spec.handler(
          { params: params.data as z.output<P>, query: query.data as z.output<Q>, body: body.data as z.output<B> },
          req,
          reply,
        );
        if (reply.sent) return reply;
        if (!spec.response) return reply.code(spec.status ?? 204).send();
        return reply.code(spec.status ?? 200).send(spec.response.parse(out));
      },
    });
  }
}

const jsonSchema = (schema: ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;

function parametersOf(schema: ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

export function openApiDocument(registry: RouteRegistry, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registry.routes) {
    const p = r.url.replace(/:(\w+)/g, '{$1}');
    const status = String(r.status ?? (r.response ? 200 : 204));
    (paths[p] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses: {
        [status]: r.response
          ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } }
          : { description: 'No content' },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'BooCode API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ErrorBody: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' }, details: {} } } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
