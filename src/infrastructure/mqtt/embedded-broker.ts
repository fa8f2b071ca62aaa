import { createServer, Server } from 'node:net';
import Aedes from 'aedes';
import { BrokerAccessPolicy, BrokerPrincipal } from './broker-access-policy';

export interface EmbeddedBrokerHandle {
  url: string;
  port: number;
  /** Swapped in once the device registry is available. */
  setPolicy(policy: BrokerAccessPolicy): void;
  connectedClients(): number;
  stop(): Promise<void>;
}

const NOT_AUTHORIZED = 5;
const BAD_CREDENTIALS = 4;

/** An in-process Aedes MQTT broker on 127.0.0.1-free `port` (0 picks a free one), enforcing
 *  the same access rules as the Mosquitto ACL shipped in docker/. */
export async function startEmbeddedBroker(
  port: number,
  policy: BrokerAccessPolicy,
  host = '0.0.0.0',
): Promise<EmbeddedBrokerHandle> {
  let current = policy;
  const principals = new WeakMap<object, BrokerPrincipal>();
  const broker = new Aedes({
    authenticate: (client, username, password, done) => {
      current
        .authenticate(username ?? undefined, password?.toString('utf8'))
        .then((principal) => {
          if (!principal) {
            const err = Object.assign(new Error('bad username or password'), { returnCode: BAD_CREDENTIALS });
            return done(err as never, false);
          }
          principals.set(client, principal);
          done(null, true);
        })
        .catch(() => done(Object.assign(new Error('authentication unavailable'), { returnCode: 3 }) as never, false));
    },
    authorizePublish: (client, packet, done) => {
      if (!client) return done(null); // the broker's own will/retained messages
      const principal = principals.get(client);
      if (principal && current.canPublish(principal, packet.topic)) return done(null);
      done(Object.assign(new Error(`publish to ${packet.topic} not allowed`), { returnCode: NOT_AUTHORIZED }));
    },
    authorizeSubscribe: (client, sub, done) => {
      const principal = principals.get(client);
      if (principal && current.canSubscribe(principal, sub.topic)) return done(null, sub);
      done(null, null); // MQTT: SUBACK 0x80 (failure) for that filter, connection stays up
    },
  });

  const server: Server = createServer(broker.handle as never);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new Error(`embedded MQTT broker cannot listen on port ${port} (set EMBEDDED_MQTT_PORT): ${err.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as { port: number }).port;
  return {
    url: `mqtt://127.0.0.1:${actualPort}`,
    port: actualPort,
    setPolicy: (p) => {
      current = p;
    },
    connectedClients: () => broker.connectedClients,
    stop: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
