import { randomBytes } from 'node:crypto';
import { connectAsync, IClientOptions, MqttClient } from 'mqtt';

/** Messages a simulated device received on one topic, with a way to wait for the next ones. */
export class Inbox {
  readonly messages: Array<{ topic: string; text: string; retain: boolean; at: number }> = [];
  private waiters: Array<() => void> = [];

  constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, text: payload.toString('utf8'), retain: packet.retain, at: Date.now() });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  json<T = Record<string, unknown>>(topicEnd: string): T[] {
    return this.messages.filter((m) => m.topic.endsWith(topicEnd) && m.text).map((m) => JSON.parse(m.text) as T);
  }

  /** Waits until `predicate` holds over the messages received so far. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10_000, what = 'message'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = predicate();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => [m.topic, m.text.slice(0, 120)]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}

/**
 * A device as a player would be: MQTT 3.1.1 with its id and token on the service's embedded broker,
 * or on the run's broker with the credentials of its URL (the system Mosquitto lets anyone in).
 */
export async function connectDevice(brokerUrl: string, auth: { username: string; password: string } | null, extra: Partial<IClientOptions> = {}): Promise<{ client: MqttClient; inbox: Inbox }> {
  const client = await connectAsync(brokerUrl, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    clientId: `dev-${randomBytes(5).toString('hex')}`,
    ...(auth ?? {}),
    ...extra,
  });
  return { client, inbox: new Inbox(client) };
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
