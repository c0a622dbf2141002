import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * `GET /metrics` for Prometheus on `port` (all interfaces: scraped from outside the pod),
 * the text of every registry that is there at the time of the scrape (the controller's
 * registry appears once it has started).
 */
export function startMetricsServer(port: number, registries: () => Registry[]): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const regs = registries();
    Promise.all(regs.map((r) => r.metrics())).then(
      (texts) => res.writeHead(200, { 'content-type': regs[0]?.contentType ?? 'text/plain' }).end(texts.join('\n')),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
