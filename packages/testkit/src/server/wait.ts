/**
 * Polls `fn` until it gives something truthy, and returns that. Tests wait on state this way,
 * never on a fixed sleep; past `timeoutMs` the failure names what was awaited.
 */
export async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The API of a server that is not this process's (`boocode serve` as a child), called with its token. */
export type TokenApi = <T>(method: string, url: string, body?: unknown) => Promise<{ status: number; body: T }>;

export function tokenApi(base: string, token: string): TokenApi {
  return async (method, url, body) => {
    const res = await fetch(base + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never };
  };
}
