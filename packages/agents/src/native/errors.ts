import { APICallError, RetryError } from 'ai';
import type { TurnErrorCode } from '@boocode/contracts';

/** Turns whatever the SDK or fetch threw into a stable code and a message a person can act on. */

export interface TurnError {
  code: TurnErrorCode;
  message: string;
}

/** Raised by the idle watchdog when the provider stops sending mid-response. */
export class ProviderIdleError extends Error {
  constructor(readonly idleMs: number) {
    super(`The provider sent nothing for ${Math.round(idleMs / 1000)} s and the response was abandoned.`);
    this.name = 'ProviderIdleError';
  }
}

function causeChain(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur instanceof Error && depth < 5; depth++) {
    if (cur.message && !parts.includes(cur.message)) parts.push(cur.message);
    cur = cur.cause;
  }
  return parts.join(': ');
}

function findIdle(err: unknown): ProviderIdleError | null {
  let cur: unknown = err;
  for (let depth = 0; cur instanceof Error && depth < 6; depth++) {
    if (cur instanceof ProviderIdleError) return cur;
    cur = cur.cause;
  }
  return null;
}

export function classifyError(err: unknown): TurnError {
  const idle = findIdle(err);
  if (idle) return { code: 'timeout', message: idle.message };
  let attempts = '';
  let e = err;
  if (RetryError.isInstance(err)) {
    attempts = ` (after ${err.errors.length} attempts)`;
    e = err.lastError;
  }
  if (APICallError.isInstance(e)) {
    const status = e.statusCode;
    const detail = e.message;
    // Missing or 2xx status: the response had started and then broke (socket closed mid-stream).
    if (status === undefined || status < 400) {
      return { code: 'network', message: `The connection to the provider failed mid-response: ${causeChain(e)}` };
    }
    if (status === 429) return { code: 'rate_limited', message: `Rate limited by the provider (HTTP 429)${attempts}: ${detail}` };
    if (status === 401 || status === 403) {
      return { code: 'provider_error', message: `The provider refused the API key (HTTP ${status}): ${detail}` };
    }
    if (status < 500) {
      return { code: 'bad_request', message: `The provider rejected the request (HTTP ${status}): ${detail}` };
    }
    return { code: 'provider_error', message: `Provider error (HTTP ${status})${attempts}: ${detail}` };
  }
  const text = causeChain(e);
  if (/fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|terminated|socket/i.test(text)) {
    return { code: 'network', message: `Could not reach the provider: ${text}` };
  }
  return { code: 'agent_error', message: text || String(e) };
}
