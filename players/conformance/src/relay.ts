import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay the device under test is pointed at instead of the service and the broker, so that the
 * runner can take the device off the network (`cut`) and give it back (`restore`) while it keeps
 * playing: how the offline backlog is checked.
 */
export class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private open = true;
  port = 0;

  constructor(private readonly host: string, private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (!this.open) return client.destroy();
      const upstream = new Socket();
      upstream.connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** Rewrites `url` (http://, mqtt://) to go through the relay. */
  url(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString().replace(/\/$/, '');
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The port of an http(s):// or mqtt(s):// URL, its default where it has none. */
export function portOf(url: string): number {
  const u = new URL(url);
  if (u.port) return Number(u.port);
  return ({ 'http:': 80, 'https:': 443, 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 } as Record<string, number>)[u.protocol] ?? 80;
}
