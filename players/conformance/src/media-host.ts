import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';

/**
 * A file the runner serves itself, to see how a device downloads: the first request is cut off half
 * way (the connection drops after half the bytes), later ones are answered as asked (206 to a Range).
 */
export class MediaHost {
  readonly requests: Array<{ range: string | null; authorized: boolean }> = [];
  readonly sha256: string;
  private server: Server | null = null;
  port = 0;

  constructor(readonly body: Buffer, private readonly host = '127.0.0.1') {
    this.sha256 = createHash('sha256').update(body).digest('hex');
  }

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res) => {
      const range = req.headers.range ?? null;
      this.requests.push({ range, authorized: !!req.headers.authorization });
      if (this.requests.length === 1) {
        res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': String(this.body.length) });
        res.write(this.body.subarray(0, this.body.length >> 1), () => res.socket?.destroy());
        return;
      }
      const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
      const from = m ? Number(m[1]) : 0;
      if (from >= this.body.length) return void res.writeHead(416).end();
      res.writeHead(m ? 206 : 200, { 'Content-Type': 'audio/wav', 'Content-Length': String(this.body.length - from), ...(m ? { 'Content-Range': `bytes ${from}-${this.body.length - 1}/${this.body.length}` } : {}) });
      res.end(this.body.subarray(from));
    });
    await new Promise<void>((r) => this.server!.listen(0, this.host, r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://${this.host}:${this.port}/conformance.wav`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
