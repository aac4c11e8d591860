import { ErrorBody, routeErrors, routes, type ErrorCode, type RouteDef } from '@boocode/contracts';
import { z, type ZodType } from 'zod';
import { ERROR_STATUS } from './errors.js';

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

const SUCCESS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No content', 302: 'Redirect' };

/** One response per error status, its `error` limited to the codes this route answers with. */
function errorResponses(def: RouteDef): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrors(def)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: codes.join(', '),
      content: {
        'application/json': {
          schema: { allOf: [{ $ref: '#/components/schemas/ErrorBody' }, { type: 'object', properties: { error: { type: 'string', enum: codes } } }] },
        },
      },
    };
  }
  return out;
}

/** The OpenAPI 3 document of the route table. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
    const p = def.path.replace(/:(\w+)/g, '{$1}');
    (paths[p] ??= {})[def.method.toLowerCase()] = {
      operationId: name,
      summary: def.summary,
      tags: [def.tag],
      ...(def.auth === false ? { security: [] } : {}),
      parameters: [...parametersOf(def.params, 'path'), ...parametersOf(def.query, 'query')],
      ...(def.body ? { requestBody: { required: !def.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(def.body, 'input') } } } } : {}),
      responses: {
        [String(def.status)]: def.response
          ? { description: SUCCESS[def.status] ?? 'OK', content: { 'application/json': { schema: jsonSchema(def.response, 'output') } } }
          : { description: SUCCESS[def.status] ?? 'No content' },
        ...errorResponses(def),
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'BooCode API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ErrorBody: jsonSchema(ErrorBody, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
