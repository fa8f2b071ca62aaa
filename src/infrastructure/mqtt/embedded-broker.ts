import { createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer, Server as TlsServer } from 'node:tls';
import Aedes from 'aedes';
import { settledWithin } from '../settle-within';
import { BrokerAccessPolicy, BrokerPrincipal } from './broker-access-policy';

export interface EmbeddedBrokerHandle {
  url: string;
  port: number;
  /** The TLS listener's port (mqtts), when a certificate was given. */
  tlsPort?: number;
  /** Swapped in once the device registry is available. */
  setPolicy(policy: BrokerAccessPolicy): void;
  /**
   * Takes in what a device publishes before the broker acknowledges it: the PUBACK is sent only
   * once `ingest` resolves, so a device's event is stored before the device may forget it.
   */
  setIngest(ingest: (principal: BrokerPrincipal, packet: { topic: string; payload: Buffer }) => Promise<void>): void;
  /** Ends the live session of a device (revoked, or its token rotated). */
  disconnect(deviceId: string): boolean;
  connectedClients(): number;
  stop(): Promise<void>;
}

const NOT_AUTHORIZED = 5;
const BAD_CREDENTIALS = 4;
const IDENTIFIER_REJECTED = 2;
/** Largest MQTT packet accepted (docs/protocol.md, "Limits"); a larger one closes the connection. */
export const MAX_PACKET_BYTES = 256 * 1024;

/** Makes the MQTT parser of one connection refuse a packet whose declared length is over `max`,
 *  before its body is read into memory. */
function limitPacketSize(parser: { _parseLength(): boolean; packet: { length: number }; _emitError(err: Error): void }, max: number): void {
  const parseLength = parser._parseLength;
  parser._parseLength = function (this: typeof parser) {
    const ok = parseLength.call(this);
    if (ok && this.packet.length > max) {
      this._emitError(new Error(`packet of ${this.packet.length} bytes is over the ${max} byte limit`));
      return false;
    }
    return ok;
  };
}

/** An in-process Aedes MQTT broker on 127.0.0.1-free `port` (0 picks a free one), enforcing
 *  the same access rules as the Mosquitto ACL shipped in docker/. */
export async function startEmbeddedBroker(
  port: number,
  policy: BrokerAccessPolicy,
  host = '0.0.0.0',
  maxPacketBytes = MAX_PACKET_BYTES,
  tls?: { port: number; cert: Buffer; key: Buffer },
): Promise<EmbeddedBrokerHandle> {
  let current = policy;
  // Until the device registry is up (setPolicy), a device's login waits instead of being refused:
  // MQTT clients (MQTT.js by default) stop reconnecting after a refused CONNECT.
  let registryUp: () => void = () => undefined;
  const registry = new Promise<void>((resolve) => (registryUp = resolve));
  let policySet = false;
  const decide = async (username: string | undefined, password: string | undefined): Promise<BrokerPrincipal | null> => {
    const principal = await current.authenticate(username, password);
    if (principal || policySet) return principal;
    await settledWithin(registry, 60_000);
    return current.authenticate(username, password);
  };
  let ingest: Parameters<EmbeddedBrokerHandle['setIngest']>[0] | null = null;
  const principals = new WeakMap<object, BrokerPrincipal>();
  const broker = new Aedes({
    authenticate: (client, username, password, done) => {
      decide(username ?? undefined, password?.toString('utf8'))
        .then((principal) => {
          if (!principal) {
            const err = Object.assign(new Error('bad username or password'), { returnCode: BAD_CREDENTIALS });
            return done(err as never, false);
          }
          if (principal.kind === 'device') {
            // A device's session is its device id, whatever client id it sent (like Mosquitto's
            // use_username_as_clientid): it cannot take over another device's or the service's session.
            if (client.id !== principal.id && client.id) client.id = principal.id;
            if (!client.id) return done(Object.assign(new Error('client id required'), { returnCode: IDENTIFIER_REJECTED }) as never, false);
          }
          principals.set(client, principal);
          done(null, true);
        })
        .catch(() => done(Object.assign(new Error('authentication unavailable'), { returnCode: 3 }) as never, false));
    },
    authorizePublish: (client, packet, done) => {
      if (!client) return done(null); // the broker's own will/retained messages
      const principal = principals.get(client);
      if (principal && current.canPublish(principal, packet.topic)) {
        if (!ingest || principal.kind !== 'device') return done(null);
        // stored first, then acknowledged (done → PUBACK); a failure closes the connection unacknowledged
        ingest(principal, packet as { topic: string; payload: Buffer }).then(() => done(null), (err: Error) => done(err));
        return;
      }
      done(Object.assign(new Error(`publish to ${packet.topic} not allowed`), { returnCode: NOT_AUTHORIZED }));
    },
    authorizeSubscribe: (client, sub, done) => {
      const principal = principals.get(client);
      if (principal && current.canSubscribe(principal, sub.topic)) return done(null, sub);
      done(null, null); // MQTT: SUBACK 0x80 (failure) for that filter, connection stays up
    },
  });

  const handle = (conn: Socket) => {
    const client = broker.handle(conn, undefined as never) as unknown as { _parser: Parameters<typeof limitPacketSize>[0] };
    limitPacketSize(client._parser, maxPacketBytes);
  };
  const listen = (srv: Server | TlsServer, p: number, variable: string) =>
    new Promise<void>((resolve, reject) => {
      srv.once('error', (err) => reject(new Error(`embedded MQTT broker cannot listen on port ${p} (set ${variable}): ${err.message}`)));
      srv.listen(p, host, () => resolve());
    });
  const server: Server = createServer(handle);
  await listen(server, port, 'EMBEDDED_MQTT_PORT');
  const actualPort = (server.address() as { port: number }).port;
  // devices on 3G/4G and the public Internet: the same broker behind TLS (mqtts)
  let tlsServer: TlsServer | null = null;
  if (tls) {
    tlsServer = createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handle);
    tlsServer.on('tlsClientError', () => undefined); // a client that fails the handshake is its own problem
    await listen(tlsServer, tls.port, 'EMBEDDED_MQTTS_PORT').catch(async (err) => {
      await new Promise((r) => server.close(r));
      throw err;
    });
  }
  return {
    url: `mqtt://127.0.0.1:${actualPort}`,
    port: actualPort,
    ...(tlsServer ? { tlsPort: (tlsServer.address() as { port: number }).port } : {}),
    setPolicy: (p) => {
      current = p;
      policySet = true;
      registryUp();
    },
    setIngest: (fn) => {
      ingest = fn;
    },
    disconnect: (deviceId) => {
      const client = (broker as unknown as { clients: Record<string, { close(): void } | undefined> }).clients[deviceId];
      client?.close();
      return !!client;
    },
    connectedClients: () => broker.connectedClients,
    stop: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => (tlsServer ? tlsServer.close(() => resolve()) : resolve())));
      }),
  };
}
