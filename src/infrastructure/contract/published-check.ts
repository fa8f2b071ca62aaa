import { appendFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { ContractPayload, DeviceContract } from './device-contract';

/** Which payload a device topic carries, by its last segment. */
const BY_TOPIC: Record<string, ContractPayload> = { playlist: 'playlist', alert: 'alert', commands: 'command' };

/**
 * Checks every non-empty message the service publishes under `prefix` against the protocol's
 * schemas and appends each violation (topic, problems, payload) to `file` as a JSON line. An empty
 * retained message (clearing a playlist or an alert) is part of the protocol and not checked.
 */
export function checkPublished(client: MqttClient, prefix: string, file: string, contract = new DeviceContract()): void {
  const publish = client.publishAsync.bind(client);
  client.publishAsync = ((topic: string, message: string | Buffer, opts?: object) => {
    const kind = topic.startsWith(`${prefix}/`) ? BY_TOPIC[topic.slice(topic.lastIndexOf('/') + 1)] : undefined;
    const text = message.toString();
    if (kind && text) {
      let problems: unknown;
      try {
        problems = contract.problems(kind, JSON.parse(text));
      } catch (err) {
        problems = [{ path: '', message: `not JSON: ${String(err)}` }];
      }
      if ((problems as unknown[]).length) appendFileSync(file, JSON.stringify({ topic, kind, problems, payload: text.slice(0, 2000) }) + '\n');
    }
    return publish(topic, message, opts as never);
  }) as MqttClient['publishAsync'];
}
