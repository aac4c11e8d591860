import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { CliResult } from '@boocode/testkit/server';

/**
 * The JSON a command printed, checked against its contract schema: parsing must succeed and keep
 * every field (a field the schema does not know would be stripped, and the comparison fail).
 */
export function jsonOf<S extends z.ZodType>(schema: S, run: CliResult): z.output<S> {
  expect(run.stderr.includes('boocode:') ? run.stderr : '').toBe('');
  expect(run.code).toBe(0);
  const json: unknown = JSON.parse(run.stdout);
  const parsed = schema.parse(json);
  expect(parsed).toEqual(json);
  return parsed;
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The ids `-q` printed, one a line. */
export const lines = (text: string): string[] => text.split('\n').filter(Boolean);
