import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  url: string;
  /** Every request waits this long before it is forwarded (0 = pass through). */
  delayMs: number;
  /** Requests received and not answered yet. */
  readonly inFlight: number;
  /** Method and path of every request received, in order. */
  readonly seen: string[];
  close(): Promise<void>;
}

/** An HTTP proxy in front of `target` (e.g. the Stripe emulator) that holds every request `delayMs` first: a slow upstream. */
export async function startSlowProxy(target: string): Promise<SlowProxy> {
  const to = new URL(target);
  let inFlight = 0;
  const seen: string[] = [];
  const proxy: SlowProxy = {
    url: '',
    delayMs: 0,
    get inFlight() {
      return inFlight;
    },
    seen,
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    inFlight++;
    seen.push(`${req.method} ${req.url}`);
    let done = false;
    const finish = () => {
      if (!done) inFlight--;
      done = true;
    };
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const up = http.request(
          { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', (e) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(e.message);
        });
        up.end(Buffer.concat(chunks));
      }, proxy.delayMs);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
