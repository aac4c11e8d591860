import { ProviderIdleError } from './errors.js';

/**
 * A fetch for the provider that gives up when the server goes silent: no response headers, or no
 * body bytes, for `idleMs`. The SDK itself would wait forever on a stalled stream. Only silence
 * counts, so long but steadily streaming answers are unaffected.
 */
export function idleTimeoutFetch(idleMs: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const ac = new AbortController();
    const outer = init?.signal ?? undefined;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    };
    const onOuter = (): void => {
      stop();
      ac.abort(outer?.reason);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stop();
        ac.abort(new ProviderIdleError(idleMs));
      }, idleMs);
      timer.unref();
    };
    if (outer?.aborted) ac.abort(outer.reason);
    else outer?.addEventListener('abort', onOuter, { once: true });
    arm();
    let res: Response;
    try {
      res = await base(input, { ...init, signal: ac.signal });
    } catch (err) {
      stop();
      throw err;
    }
    if (!res.body) {
      stop();
      return res;
    }
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          arm();
          controller.enqueue(chunk);
        },
        flush() {
          stop();
        },
      }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
