import { readFileSync } from 'node:fs';
import { MONITOR_DEFAULTS, MonitorConfig } from './monitor/monitor';
import { transportProblems } from './tls';

/** The player's configuration file (players/deploy/config.example.json). */
export interface PlayerConfig {
  /** The service's base URL, e.g. https://bcast.tinh.gov.vn */
  serverUrl: string;
  /** mqtt://, mqtts://, ws:// or wss:// */
  brokerUrl: string;
  deviceId: string;
  token: string;
  topicPrefix: string;
  /** audio: loudspeaker cluster; display: LED board */
  output: 'audio' | 'display';
  /** mpv, ffplay, or null (plays nothing; tests and devices wired elsewhere) */
  audioCommand: 'mpv' | 'ffplay' | 'null';
  /** Playlist, media cache and the event outbox. */
  dataDir: string;
  volume: number;
  heartbeatS: number;
  /** HTTP pull period while MQTT is down. */
  pullIntervalS: number;
  /** Seconds between HTTP checks for an active alert while MQTT is down. */
  alertPollS: number;
  /** Events per message and pause between messages when draining a backlog. */
  drainBatch: number;
  drainIntervalMs: number;
  /** Upper bound of the random wait before draining after a reconnect. */
  reconnectJitterMs: number;
  /** Late start rule: an audio entry is joined late only if this much of it remains. */
  lateMinRemainingMs: number;
  minFreeBytes: number;
  displayPort: number;
  allowReboot: boolean;
  /** PEM file the service's certificate must chain to (a private CA, or the certificate itself); for HTTPS it becomes NODE_EXTRA_CA_CERTS. */
  caFile?: string;
  /** SHA-256 fingerprint the service's certificate must have (pinning), e.g. from `openssl x509 -fingerprint -sha256`. */
  pinSha256?: string;
  /** Plain mqtt:// and http:// (a closed LAN only); otherwise refused. */
  allowInsecure: boolean;
  /**
   * The monitor input of a loudspeaker cluster (optional): during each airing a few windows are
   * captured and reported as signatures (`play.monitored`); no audio ever leaves the device.
   */
  monitor?: MonitorConfig;
}

export const DEFAULTS: Omit<PlayerConfig, 'serverUrl' | 'brokerUrl' | 'deviceId' | 'token'> = {
  topicPrefix: 'bcast/v1',
  output: 'audio',
  audioCommand: 'mpv',
  dataDir: '/var/lib/bcast-player',
  volume: 80,
  heartbeatS: 60,
  pullIntervalS: 300,
  alertPollS: 15,
  drainBatch: 50,
  drainIntervalMs: 200,
  reconnectJitterMs: 30_000,
  lateMinRemainingMs: 30_000,
  minFreeBytes: 200 * 1024 * 1024,
  displayPort: 8090,
  allowReboot: false,
  allowInsecure: false,
};

/** Reads and checks the configuration; names every problem. */
export function loadPlayerConfig(file: string): PlayerConfig {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<PlayerConfig>;
  const config = { ...DEFAULTS, ...raw } as PlayerConfig;
  const problems: string[] = [];
  for (const key of ['serverUrl', 'brokerUrl', 'deviceId', 'token'] as const) if (!config[key] || typeof config[key] !== 'string') problems.push(`${key} is required`);
  if (!['audio', 'display'].includes(config.output)) problems.push('output must be audio or display');
  if (!['mpv', 'ffplay', 'null'].includes(config.audioCommand)) problems.push('audioCommand must be mpv, ffplay or null');
  problems.push(...transportProblems(config));
  if (raw.monitor !== undefined) {
    const m = (config.monitor = { ...MONITOR_DEFAULTS, ...raw.monitor } as MonitorConfig);
    if (!Array.isArray(m.command) || !m.command.length || m.command.some((a) => typeof a !== 'string' || !a)) problems.push('monitor.command must be a command and its arguments, e.g. ["arecord", "-q", "-f", "S16_LE", "-c", "1", "-r", "16000", "-t", "raw"]');
    if (!Number.isInteger(m.sampleRate) || m.sampleRate < 8000 || m.sampleRate > 48_000) problems.push('monitor.sampleRate must be 8000 to 48000');
    if (!Number.isInteger(m.windows) || m.windows < 1 || m.windows > 6) problems.push('monitor.windows must be 1 to 6');
    if (typeof m.windowS !== 'number' || m.windowS < 2 || m.windowS > 15) problems.push('monitor.windowS must be 2 to 15 seconds');
    // an event's detail holds at most 4 KB: 40 s of signatures are about 2.7 KB in base64
    else if (m.windows * m.windowS > 40) problems.push('monitor.windows × monitor.windowS must be at most 40 seconds');
    if (config.output !== 'audio') problems.push('monitor is for loudspeakers (output "audio")');
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return config;
}
