import { randomBytes } from 'node:crypto';
import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import { settledWithin } from '../settle-within';

/** The service's one MQTT client. Only the distribution module publishes through it. */
export class MqttConnection {
  private constructor(readonly client: MqttClient) {}

  static async open(url: string, credentials?: { username: string; password: string }): Promise<MqttConnection> {
    const options: IClientOptions = {
      clientId: `bcast-server-${randomBytes(6).toString('hex')}`,
      // MQTT 3.1.1: what every broker we support (Aedes, Mosquitto, EMQX) and every player speaks.
      protocolVersion: 4,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      ...(credentials ?? {}),
    };
    try {
      return new MqttConnection(await connectAsync(url, options));
    } catch (err) {
      throw new Error(`cannot connect to MQTT broker at ${redact(url)}: ${err instanceof Error ? err.message : err}`);
    }
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Lets in-flight messages finish for a moment, then closes; a broker that is down cannot hold shutdown. */
  async close(): Promise<void> {
    await settledWithin(this.client.endAsync(), 3000);
    await this.client.endAsync(true).catch(() => undefined);
  }
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
