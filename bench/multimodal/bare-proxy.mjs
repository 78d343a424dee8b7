// The baseline of bench/multimodal/gateway.ts: a bare Node pass-through proxy (node:http, no
// framework, no auth, no parsing) from its port to the upstream, streaming the response back.
//   node bench/multimodal/bare-proxy.mjs <port> <upstream http://host:port>
import http from 'node:http';

const [port, upstream] = process.argv.slice(2);
const target = new URL(upstream);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
http
  .createServer((req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(up);
  })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
