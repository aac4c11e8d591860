/**
 * The part of `fetch` the API client uses (method, headers, a string body; status and text back),
 * on node:http(s). Node 20 loads undici on the first `fetch`, some 45 ms of every client
 * command on this machine, against a few ms for node:http.
 */
export const httpFetch: typeof fetch = async (input, init = {}) => {
  // The client passes the URL as a string (`instanceof Request` would load undici).
  const url = new URL(String(input));
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const body = await new Promise<{ status: number; statusText: string; text: string }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(typeof init.body === 'string' ? init.body : undefined);
  });
  // Not a whole Response (building one would load undici): what the client reads of one.
  const response: Pick<Response, 'ok' | 'status' | 'statusText' | 'text'> = {
    ok: body.status >= 200 && body.status < 300,
    status: body.status,
    statusText: body.statusText,
    text: async () => body.text,
  };
  return response as Response;
};
