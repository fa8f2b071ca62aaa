/**
 * Load process for bench/distribution.ts's ingest: devices sending their backlog of events over MQTT
 * (QoS 1, messages of `perMessage` events, every tenth message sent twice as after a lost PUBACK),
 * in a process of its own so that making the load does not share the service's event loop.
 * Lines in: "go" starts sending; "stored N" says how many the service has stored or dropped as
 * duplicates (the sender keeps at most `backlog` events ahead of it: a broker's queue per session is
 * finite). Lines out (JSON): {"phase":"ready"} once connected, {"phase":"sent", events, messages}.
 *
 *   node -r ts-node/register/transpile-only bench/support/event-senders.ts <plan.json>
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connectAsync, MqttClient } from 'mqtt';

interface Plan {
  brokerUrl: string;
  prefix: string;
  /** Each sender's id, its token when the broker checks devices (embedded), and the entry its events are about. */
  senders: Array<{ id: string; token: string | null; entryId: string }>;
  perDevice: number;
  perMessage: number;
  backlog: number;
  at0: number;
}

const plan: Plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let stored = 0;
let go: () => void = () => undefined;
const started = new Promise<void>((resolve) => (go = resolve));

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'go') go();
  else if (line.startsWith('stored ')) stored = Number(line.slice(7));
});

async function main(): Promise<void> {
  const pubs: MqttClient[] = await Promise.all(
    plan.senders.map((s, i) => connectAsync(plan.brokerUrl, { protocolVersion: 4, reconnectPeriod: 0, clientId: `sender-${i}-${process.pid}`, ...(s.token ? { username: s.id, password: s.token } : {}) })),
  );
  say({ phase: 'ready' });
  await started;
  let events = 0;
  let messages = 0;
  const publish = async (client: MqttClient, topic: string, body: string, count: number) => {
    while (events - stored > plan.backlog) await sleep(2);
    events += count;
    messages++;
    await client.publishAsync(topic, body, { qos: 1 });
  };
  await Promise.all(
    plan.senders.map(async (s, si) => {
      for (let m = 0; m * plan.perMessage < plan.perDevice; m++) {
        const batch = Array.from({ length: Math.min(plan.perMessage, plan.perDevice - m * plan.perMessage) }, (_, j) => {
          const k = m * plan.perMessage + j;
          return { eventId: `${si}-${k}`, deviceId: s.id, type: k % 2 ? 'play.completed' : 'play.started', entryId: s.entryId, playlistVersion: 1, at: new Date(plan.at0 + k * 1000).toISOString() };
        });
        const body = JSON.stringify(batch);
        const topic = `${plan.prefix}/devices/${s.id}/events`;
        await publish(pubs[si], topic, body, batch.length);
        if (m % 10 === 0) await publish(pubs[si], topic, body, batch.length); // sent again after a lost PUBACK
      }
    }),
  );
  say({ phase: 'sent', events, messages });
  await Promise.all(pubs.map((p) => p.endAsync()));
  process.exit(0);
}

void main();
