import { Ajv, type ValidateFunction } from 'ajv';
import { canonicalJson } from './keys.js';

/**
 * `agent(prompt, {schema})`: the agent is asked for JSON matching a JSON Schema, its answer is
 * parsed and validated here (Ajv), and an invalid answer is retried with what was wrong.
 */

/** Schemas come from scripts: a bound on their size keeps compiling them cheap. */
const MAX_SCHEMA_CHARS = 64 * 1024;

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: true });
const compiled = new Map<string, ValidateFunction>();

/** Compiles a schema once per distinct text, or throws a message naming what is wrong. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const text = canonicalJson(schema);
  const known = compiled.get(text);
  if (known) return known;
  if (text.length > MAX_SCHEMA_CHARS) throw new Error(`options.schema is larger than ${MAX_SCHEMA_CHARS} characters`);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new Error(`options.schema is not a valid JSON Schema: ${(err as Error).message}`);
  }
  compiled.set(text, validate);
  return validate;
}

export function schemaInstruction(prompt: string, schema: Record<string, unknown>): string {
  return `${prompt}\n\nAnswer with a single JSON value, and nothing else, that matches this JSON Schema:\n${JSON.stringify(schema, null, 2)}`;
}

export function retryInstruction(problem: string, schema: Record<string, unknown>): string {
  return `Your previous answer did not match the required JSON Schema: ${problem}\n\nAnswer again with a single JSON value, and nothing else, that matches:\n${JSON.stringify(schema, null, 2)}`;
}

export type Checked = { ok: true; value: unknown } | { ok: false; problem: string };

/** Reads the JSON in an answer (bare, or in a fenced block) and validates it. */
export function checkOutput(text: string | null, validate: ValidateFunction): Checked {
  if (text === null) return { ok: false, problem: 'the answer was empty' };
  let value: unknown;
  try {
    value = JSON.parse(jsonPart(text));
  } catch {
    return { ok: false, problem: 'the answer is not JSON' };
  }
  if (validate(value)) return { ok: true, value };
  const problem = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`).join('; ');
  return { ok: false, problem };
}

function jsonPart(text: string): string {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/.exec(text);
  return (fenced?.[1] ?? text).trim();
}
