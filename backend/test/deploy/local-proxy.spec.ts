/** `npm start -- --instances N`'s proxy (scripts/proxy.mjs) in front of two small upstream servers. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
// @ts-expect-error plain ESM script without types
import { startProxy } from '../../../scripts/proxy.mjs';

interface Upstream {
  name: string;
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

async function upstream(name: string): Promise<Upstream> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name, method: req.method, body, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`${name}:${String(m)}`)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    name,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

describe('the local proxy of npm start', () => {
  let a: Upstream;
  let b: Upstream;
  let proxy: { server: http.Server; close(): Promise<void> };
  let base: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([upstream('a'), upstream('b')]);
    proxy = await startProxy({ port: 0, host: '127.0.0.1', targets: [a.url, b.url] });
    base = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  const get = async (cookie?: string) => {
    const r = await fetch(`${base}/api/health`, { headers: cookie ? { cookie } : {} });
    return { status: r.status, body: (await r.json()) as { name: string; forwardedFor: string | null }, setCookie: r.headers.get('set-cookie') };
  };

  it('spreads new clients round-robin and pins each one with a cookie', async () => {
    const first = await get();
    const second = await get();
    expect(new Set([first.body.name, second.body.name])).toEqual(new Set(['a', 'b']));
    expect(first.body.forwardedFor).toBe('127.0.0.1');
    const cookie = first.setCookie!.split(';')[0];
    expect(cookie).toMatch(/^collabpay_upstream=[01]$/);
    for (let i = 0; i < 4; i++) {
      const again = await get(cookie);
      expect(again.body.name).toBe(first.body.name);
      expect(again.setCookie).toBeNull(); // already pinned there
    }
    // a cookie naming no upstream is treated as none
    expect((await get('collabpay_upstream=7')).setCookie).toMatch(/collabpay_upstream=[01]/);
  });

  it('passes a WebSocket upgrade to the pinned upstream', async () => {
    const pinned = await get();
    const cookie = pinned.setCookie!.split(';')[0];
    const ws = new WebSocket(`${base.replace('http', 'ws')}/socket.io/`, { headers: { cookie } });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('ping'));
      ws.once('message', (m) => resolve(String(m)));
      ws.once('error', reject);
    });
    ws.close();
    expect(reply).toBe(`${pinned.body.name}:ping`);
  });

  it('moves a GET to the other upstream when the pinned one is down, and answers 502 to a POST it cannot replay', async () => {
    await b.close();
    const r = await get('collabpay_upstream=1');
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('a');
    expect(r.setCookie).toMatch(/^collabpay_upstream=0;/);
    const post = await fetch(`${base}/api/payments/webhook`, { method: 'POST', body: '{"id":"evt_1"}', headers: { cookie: 'collabpay_upstream=1' } });
    expect(post.status).toBe(502);
    expect(await post.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const toA = await fetch(`${base}/api/payments/webhook`, { method: 'POST', body: '{"id":"evt_2"}', headers: { cookie: 'collabpay_upstream=0' } });
    expect(await toA.json()).toMatchObject({ name: 'a', method: 'POST', body: '{"id":"evt_2"}' });
  });
});
