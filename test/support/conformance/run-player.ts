/**
 * The device under test for the conformance runner: the shipped player (players/src), started with a
 * configuration made from the runner's placeholders —
 *   run-player.ts <deviceId> <token> <serverUrl> <brokerUrl> <topicPrefix> [--broken]
 * With --broken it is the same player with three defects put in on purpose, each breaking one promise
 * of the protocol: it applies any playlist version (even an older one), it keeps a downloaded file
 * without checking its sha256, and it connects without a last will.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [deviceId, token, serverUrl, brokerUrl, topicPrefix, broken] = process.argv.slice(2);

/* eslint-disable @typescript-eslint/no-require-imports */
if (broken === '--broken') {
  const protocol = require('../../../players/src/protocol') as { isNewer: unknown };
  protocol.isNewer = () => true;
  const cache = require('../../../players/src/media-cache') as { MediaCache: { prototype: Record<string, unknown> }; HashMismatchError: new () => Error };
  const fetchVerified = cache.MediaCache.prototype.fetch as (this: unknown, media: { sha256: string; url: string }) => Promise<string>;
  // downloads as before (with Range), but a file whose hash does not match is kept anyway
  cache.MediaCache.prototype.fetch = async function (this: { path(s: string): string; baseUrl: string; token: string }, media: { sha256: string; url: string }) {
    try {
      return await fetchVerified.call(this, media);
    } catch (err) {
      if (!(err instanceof cache.HashMismatchError)) throw err;
      const res = await fetch(new URL(media.url, this.baseUrl), { headers: { Authorization: `Bearer ${this.token}` } });
      writeFileSync(this.path(media.sha256), Buffer.from(await res.arrayBuffer()));
      return 'downloaded';
    }
  };
  cache.MediaCache.prototype.verify = async function (this: { has(s: string): boolean }, sha256: string) {
    return this.has(sha256);
  };
  const client = (require('mqtt') as { MqttClient: { prototype: { connect: (...a: unknown[]) => unknown } } }).MqttClient.prototype;
  const connect = client.connect;
  client.connect = function (this: { options: Record<string, unknown> }, ...a: unknown[]) {
    delete this.options.will;
    return connect.apply(this, a);
  };
}
const { Agent } = require('../../../players/src/agent') as typeof import('../../../players/src/agent');
const { systemClock } = require('../../../players/src/clock') as typeof import('../../../players/src/clock');
const { loadPlayerConfig } = require('../../../players/src/config') as typeof import('../../../players/src/config');
const { AudioOutput } = require('../../../players/src/outputs/audio') as typeof import('../../../players/src/outputs/audio');
/* eslint-enable @typescript-eslint/no-require-imports */

const dir = mkdtempSync(join(tmpdir(), 'bcast-dut-'));
writeFileSync(join(dir, 'config.json'), JSON.stringify({
  serverUrl, brokerUrl, deviceId, token, topicPrefix, output: 'audio', audioCommand: 'null', allowInsecure: true, dataDir: join(dir, 'data'),
  heartbeatS: 2, pullIntervalS: 2, alertPollS: 1, drainIntervalMs: 20, reconnectJitterMs: 200, minFreeBytes: 0,
}));
const config = loadPlayerConfig(join(dir, 'config.json'));
const agent = new Agent(config, systemClock, new AudioOutput('null', systemClock, (item) => item.durationMs ?? 60_000), (msg, fields) => process.stdout.write(JSON.stringify({ msg, ...fields }) + '\n'));
void agent.start();
process.on('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
