import http from 'node:http';

/** Writing HTTP answers (CORS open, as the emulator is called from the browser too). */

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Stripe-Account, Stripe-Version, Idempotency-Key, X-Stripe-Client-User-Agent, Stripe-Context',
  'Access-Control-Expose-Headers': 'Request-Id, Stripe-Version, Idempotency-Key, Idempotent-Replayed, Stripe-Should-Retry',
  'Access-Control-Max-Age': '300',
};

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(res: http.ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...CORS_HEADERS, ...headers });
  res.end(body);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body, null, 2), { 'Content-Type': 'application/json', ...headers });
}

export function redirect(res: http.ServerResponse, location: string): void {
  send(res, 302, '', { Location: location });
}

export function html(res: http.ServerResponse, status: number, page: string): void {
  send(res, status, page, { 'Content-Type': 'text/html; charset=utf-8' });
}

export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
