// The one URL of `npm start -- --instances N`: a small HTTP + WebSocket reverse proxy (http-proxy) in front of the
// API instances. New browsers are spread round-robin; a browser then sticks to its instance through a cookie
// (Socket.io's polling handshake and its WebSocket upgrade must reach the same process), unless that instance is
// down, when the request goes to the next one and the cookie follows. Stripe's webhooks (no cookie) are spread.
import http from 'node:http';
import httpProxy from 'http-proxy';

const COOKIE = 'collabpay_upstream';

/**
 * @param {object} o
 * @param {number} o.port            where the proxy listens
 * @param {string} [o.host]
 * @param {string[]} o.targets       upstream base URLs, e.g. http://127.0.0.1:3001
 * @param {(m: string) => void} [o.log]
 * @returns {Promise<{ server: http.Server, close: () => Promise<void> }>}
 */
export async function startProxy({ port, host = '0.0.0.0', targets, log = () => undefined }) {
  const proxy = httpProxy.createProxyServer({ xfwd: true, ws: true });
  let next = 0;
  const pinned = (req) => {
    const m = /(?:^|;\s*)collabpay_upstream=(\d+)/.exec(req.headers.cookie ?? '');
    const i = m ? Number(m[1]) : NaN;
    return Number.isInteger(i) && i >= 0 && i < targets.length ? i : undefined;
  };
  const pick = (req) => pinned(req) ?? next++ % targets.length;

  // a GET the chosen instance refuses (restarting after a crash) is tried on the others
  const forward = (req, res, i, tried = 0) => {
    if (tried === 0 && pinned(req) !== i) res.setHeader('set-cookie', `${COOKIE}=${i}; Path=/; HttpOnly; SameSite=Lax`);
    proxy.web(req, res, { target: targets[i] }, (err) => {
      if (tried + 1 < targets.length && !res.headersSent && retryable(req, err)) {
        const j = (i + 1) % targets.length;
        res.setHeader('set-cookie', `${COOKIE}=${j}; Path=/; HttpOnly; SameSite=Lax`);
        return forward(req, res, j, tried + 1);
      }
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 502, code: 'UPSTREAM_UNAVAILABLE', message: 'No CollabPay instance answered' }));
      } else res.destroy();
    });
  };
  const server = http.createServer((req, res) => forward(req, res, pick(req)));
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined);
    proxy.ws(req, socket, head, { target: targets[pick(req)] }, () => socket.destroy());
  });
  proxy.on('error', (e) => log(`proxy: ${e.message}`));
  await new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(port, host, res);
  });
  return {
    server,
    close: () =>
      new Promise((res) => {
        proxy.close();
        server.close(() => res());
        server.closeAllConnections?.();
      }),
  };
}

// a request body is streamed to the first instance as it arrives: only bodiless requests can be sent again
const retryable = (req, err) => err?.code === 'ECONNREFUSED' && (req.method === 'GET' || req.method === 'HEAD');
