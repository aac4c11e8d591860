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

/** Reads the JSON in an answer (bare, in a fenced block, or ending it) and validates it. */
export function checkOutput(text: string | null, validate: ValidateFunction): Checked {
  if (text === null) return { ok: false, problem: 'the answer was empty' };
  const found = jsonIn(text);
  if (!found) return { ok: false, problem: 'the answer is not JSON' };
  if (validate(found.value)) return { ok: true, value: found.value };
  const problem = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`).join('; ');
  return { ok: false, problem };
}

/** How many `{`/`[` starts are tried for a JSON value that ends the answer. */
const MAX_JSON_STARTS = 64;

/**
 * The JSON of an answer: the whole text, else its last fenced block, else the longest JSON value
 * that ends it. An agent's answer holds the text of all its steps, so a model that says what it
 * is about to do before its tool calls ends with the JSON after that.
 */
function jsonIn(text: string): { value: unknown } | null {
  const fenced = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)\n?```/g)].at(-1)?.[1];
  const candidates = [text, ...(fenced === undefined ? [] : [fenced])];
  for (let i = 0, n = 0; i < text.length && n < MAX_JSON_STARTS; i++) {
    if (text[i] === '{' || text[i] === '[') {
      n++;
      if (i > 0) candidates.push(text.slice(i));
    }
  }
  for (const c of candidates) {
    try {
      return { value: JSON.parse(c.trim()) as unknown };
    } catch {
      // not this one
    }
  }
  return null;
}
