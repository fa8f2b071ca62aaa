import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, MqttClient } from 'mqtt';
import type { Clock } from './clock';
import type { PlayerConfig } from './config';
import { writeFileDurably } from './disk';
import { HashMismatchError, MediaCache } from './media-cache';
import { Monitor } from './monitor/monitor';
import { ALGORITHM } from './monitor/signature';
import { Outbox } from './outbox';
import type { Output, Playback } from './outputs/output';
import { Alert, Command, Entry, isNewer, Media, Playlist, PROTOCOL_SPOKEN, Status } from './protocol';
import { tlsOptions } from './tls';
import { decide, Decision } from './schedule';

export const AGENT_VERSION = '1.0.0';

type Log = (msg: string, fields?: Record<string, unknown>) => void;

/**
 * The device side of bcast/v1: keeps the newest playlist and its media on disk, plays each entry
 * at its start by the device clock whether or not a server is reachable, lets an alert pre-empt
 * the schedule and resumes it afterwards, and reports what happened through a durable outbox.
 */
export class Agent {
  private playlist: Playlist | null = null;
  private alert: Alert | null = null;
  private playedAlerts = new Set<string>();
  private playing: { key: string; playback: Playback } | null = null;
  private starting: string | null = null;
  private reported = new Set<string>();
  private cancelTimer: () => void = () => undefined;
  private mqtt: MqttClient | null = null;
  private readonly outbox: Outbox;
  readonly media: MediaCache;
  private volume: number;
  private clockOffsetMs: number | null = null;
  private readonly started: number;
  private stopped = false;
  private wakeDrain: (() => void) | null = null;
  private background: Promise<unknown>[] = [];
  private downloading = false;
  private downloadAgain = false;
  private stopHeartbeat: () => void = () => undefined;
  private readonly monitor: Monitor | null;
  /** The channel alert topic subscribed on the current connection (null: none yet). */
  private alertTopic: string | null = null;

  constructor(private readonly config: PlayerConfig, private readonly clock: Clock, private readonly output: Output, private readonly log: Log = () => undefined) {
    mkdirSync(config.dataDir, { recursive: true });
    this.outbox = new Outbox(join(config.dataDir, 'outbox'), config.deviceId, () => clock.now());
    this.media = new MediaCache(join(config.dataDir, 'media'), config.serverUrl, config.token, config.minFreeBytes);
    this.volume = config.volume;
    this.started = clock.now();
    this.playlist = this.load<Playlist>('playlist.json');
    this.alert = this.load<Alert>('alert.json');
    this.playedAlerts = new Set(this.load<string[]>('played-alerts.json') ?? []);
    this.monitor = config.monitor ? new Monitor(config.monitor, clock, log) : null;
  }

  private get topic() {
    const p = `${this.config.topicPrefix}/devices/${this.config.deviceId}`;
    return { playlist: `${p}/playlist`, commands: `${p}/commands`, events: `${p}/events`, status: `${p}/status` };
  }

  async start(): Promise<void> {
    this.reschedule(); // play from disk at once: the server may be hours away
    this.connectMqtt();
    this.background.push(this.pull().catch(() => undefined), this.drainLoop(), this.pullLoop(), this.alertLoop(), this.downloadLoop());
    const heartbeat = setInterval(() => this.publishStatus(), this.config.heartbeatS * 1000);
    this.background.push(new Promise<void>((resolve) => (this.stopHeartbeat = () => (clearInterval(heartbeat), resolve()))));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopHeartbeat();
    this.cancelTimer();
    this.playing?.playback.stop();
    this.wakeDrain?.();
    if (this.mqtt) await this.mqtt.endAsync(true).catch(() => undefined);
    await this.output.close();
  }

  /** Applies a playlist if it is newer than the one held; true if applied. */
  applyPlaylist(p: Playlist, source: 'mqtt' | 'http' | 'disk'): boolean {
    if (!p || p.deviceId !== this.config.deviceId || !Array.isArray(p.entries) || !isNewer(this.playlist, p)) return false;
    this.playlist = p;
    writeFileDurably(join(this.config.dataDir, 'playlist.json'), JSON.stringify(p));
    this.outbox.add('playlist.applied', { playlistVersion: p.version, detail: { source } });
    this.log('playlist applied', { version: p.version, entries: p.entries.length, source });
    this.subscribeAlert(); // whichever way the playlist came: its channel's alerts must reach the device
    this.wakeDrain?.();
    this.publishStatus();
    void this.downloadAll();
    this.reschedule();
    return true;
  }

  applyAlert(text: string): void {
    if (!text) {
      if (this.alert) this.log('alert cleared', { id: this.alert.id });
      this.alert = null;
      this.save('alert.json', null);
    } else {
      const a = JSON.parse(text) as Alert;
      if (this.playedAlerts.has(a.id)) return; // retained again after a reconnect: already played
      this.alert = a;
      this.save('alert.json', a);
      void this.downloadAll();
    }
    this.reschedule();
  }

  handleCommand(c: Command): void {
    this.log('command', { type: c.type });
    if (c.type === 'sync') void this.pull().catch(() => undefined);
    if (c.type === 'volume' && typeof c.args?.volume === 'number') {
      this.volume = Math.max(0, Math.min(100, c.args.volume));
      this.output.setVolume(this.volume);
      this.publishStatus();
    }
    if (c.type === 'stop' && this.playing) {
      const key = this.playing.key;
      this.playing.playback.stop();
      this.reported.add(`${key}:stopped`);
    }
    if (c.type === 'reboot' && this.config.allowReboot) void import('node:child_process').then((cp) => cp.spawn('sudo', ['reboot'], { stdio: 'ignore', detached: true }));
  }

  /** Decides what to do now and arms the timer for the next moment that matters. */
  reschedule(): void {
    if (this.stopped) return;
    this.cancelTimer();
    const now = this.clock.now();
    const decision = decide(this.playlist?.entries ?? [], this.alert && !this.playedAlerts.has(this.alert.id) ? this.alert : null, now, { minRemainingMs: this.config.lateMinRemainingMs });
    void this.act(decision, now);
    const until = decision.action === 'idle' || decision.action === 'play' ? decision.until : null;
    const nextStart = (this.playlist?.entries ?? []).map((e) => Date.parse(e.startsAt)).find((t) => t > now) ?? null;
    const wake = [until, nextStart].filter((t): t is number => t !== null && t > now);
    if (wake.length) this.cancelTimer = this.clock.at(Math.min(...wake), () => this.reschedule());
  }

  private async act(d: Decision, now: number): Promise<void> {
    if (d.action === 'idle') return;
    if (d.action === 'skip') {
      if (this.playing?.key === d.entry.id) return;
      if (this.once(`${d.entry.id}:late`)) this.outbox.add('play.failed', { entryId: d.entry.id, playlistVersion: this.playlist?.version, detail: { reason: 'late' } });
      return;
    }
    const key = d.action === 'alert' ? `alert:${d.alert.id}` : d.entry.id;
    if (this.playing?.key === key || this.starting === key || this.reported.has(`${key}:stopped`)) return;
    if (this.playing) {
      // pre-empted (an alert): the entry resumes afterwards by the late start rule
      const prev = this.playing;
      this.playing = null;
      prev.playback.stop();
      if (!prev.key.startsWith('alert:')) this.outbox.add('play.failed', { entryId: prev.key, playlistVersion: this.playlist?.version, detail: { reason: 'preempted', by: key } });
    }
    if (d.action === 'alert') return this.playAlert(d.alert);
    const entry = d.entry;
    this.starting = key; // while its files are checked, another wake-up must not start it again
    const files = await this.readyFiles(entry.media).finally(() => {
      if (this.starting === key) this.starting = null;
    });
    const meanwhile = this.playing as { key: string } | null; // (set by other wake-ups during the await)
    if (this.stopped || (meanwhile && meanwhile.key !== key)) return; // something else took over meanwhile
    if (files === null) {
      if (this.once(`${entry.id}:media`)) this.outbox.add('play.failed', { entryId: entry.id, playlistVersion: this.playlist?.version, detail: { reason: 'media-missing' } });
      this.wakeDrain?.();
      return;
    }
    const startedAt = this.clock.now();
    const playback = this.output.play({ key, kind: entry.kind, title: entry.title, files, streamUrl: entry.streamUrl, offsetMs: d.offsetMs + (startedAt - now), until: d.until, displayMs: entry.media.map((m) => m.displayMs ?? 8000) }, this.volume);
    this.playing = { key, playback };
    this.outbox.add('play.started', { entryId: entry.id, playlistVersion: this.playlist?.version, at: startedAt, detail: { lateMs: startedAt - Date.parse(entry.startsAt), offsetMs: d.offsetMs } });
    this.wakeDrain?.();
    this.publishStatus();
    const listening = this.listenTo(entry, startedAt, d.offsetMs + (startedAt - now));
    const result = await playback.done;
    await listening.stop();
    if (this.playing?.key === key) this.playing = null;
    if (result.outcome === 'completed') this.outbox.add('play.completed', { entryId: entry.id, playlistVersion: this.playlist?.version });
    else if (result.outcome === 'failed') this.outbox.add('play.failed', { entryId: entry.id, playlistVersion: this.playlist?.version, detail: { reason: result.reason ?? 'output' } });
    this.wakeDrain?.();
    this.publishStatus();
    this.reschedule();
  }

  /**
   * With a monitor, listens to an audio airing and reports what it heard (`play.monitored`) as soon
   * as the last window is in, or when the airing ends first, with the windows it has.
   */
  private listenTo(entry: Entry, startedAt: number, fromMs: number): { stop: () => Promise<void> } {
    const lengthMs = entry.media[0]?.durationMs ?? Date.parse(entry.endsAt) - Date.parse(entry.startsAt);
    if (!this.monitor || entry.kind !== 'audio' || !entry.media.length) return { stop: async () => undefined };
    const ended = new AbortController();
    const heard = this.monitor.listen({ startedAt, fromMs, lengthMs }, ended.signal).then((windows) => {
      if (!windows.length) return;
      this.outbox.add('play.monitored', { entryId: entry.id, playlistVersion: this.playlist?.version, detail: { algorithm: ALGORITHM, windows } });
      this.wakeDrain?.();
    });
    return { stop: () => (ended.abort(), heard) };
  }

  private async playAlert(alert: Alert): Promise<void> {
    const key = `alert:${alert.id}`;
    this.starting = key;
    const files = alert.media?.length ? await this.readyFiles(alert.media).finally(() => (this.starting = null)) : ((this.starting = null), []);
    if (files === null && !alert.streamUrl) {
      this.log('alert media not ready yet', { id: alert.id });
      return; // the download loop reschedules when it arrives
    }
    const repeat = Math.max(1, alert.repeat ?? 1);
    for (let i = 0; i < repeat && !this.stopped; i++) {
      const until = alert.endsAt ? Date.parse(alert.endsAt) : null;
      const durationMs = alert.media?.reduce((n, m) => n + (m.durationMs ?? 0), 0) || undefined;
      const playback = this.output.play({ key, kind: alert.streamUrl ? 'relay' : 'audio', title: alert.title, files: files ?? [], streamUrl: alert.streamUrl, offsetMs: 0, until, durationMs }, this.volume);
      this.playing = { key, playback };
      this.publishStatus();
      const r = await playback.done;
      if (this.playing?.key === key) this.playing = null;
      if (r.outcome === 'stopped' || this.alert?.id !== alert.id) return; // cleared meanwhile
    }
    this.outbox.add('alert.played', { detail: { alertId: alert.id, repeat } });
    this.playedAlerts.add(alert.id);
    this.save('played-alerts.json', [...this.playedAlerts].slice(-100));
    this.wakeDrain?.();
    this.reschedule();
  }

  /** The cached, verified files of `media`, or null if one is missing or corrupt (then refetched). */
  private async readyFiles(media: Media[]): Promise<string[] | null> {
    const files: string[] = [];
    for (const m of media) {
      if (!(await this.media.verify(m.sha256))) {
        if (this.media.has(m.sha256)) {
          this.outbox.add('media.failed', { detail: { sha256: m.sha256, reason: 'hash-mismatch', when: 'before-play' } });
          this.media.discard(m.sha256);
          void this.downloadAll();
        }
        return null;
      }
      files.push(this.media.path(m.sha256));
    }
    return files;
  }

  private async downloadAll(): Promise<void> {
    if (this.downloading) {
      // asked while a round runs (e.g. an alert arrived): one more round after it, not in 30 s
      this.downloadAgain = true;
      return;
    }
    this.downloading = true;
    this.downloadAgain = false;
    try {
      const wanted = new Map<string, Media>();
      for (const e of this.playlist?.entries ?? []) for (const m of e.media) wanted.set(m.sha256, m);
      for (const m of this.alert?.media ?? []) wanted.set(m.sha256, m);
      for (const m of wanted.values()) {
        if (this.stopped) return;
        try {
          if ((await this.media.fetch(m)) === 'downloaded') {
            this.outbox.add('media.downloaded', { detail: { sha256: m.sha256, bytes: m.bytes } });
            this.reschedule();
          }
        } catch (err) {
          if (err instanceof HashMismatchError) this.outbox.add('media.failed', { detail: { sha256: m.sha256, reason: 'hash-mismatch' } });
          this.log('download failed', { sha256: m.sha256, error: String(err) });
        }
      }
      this.media.evict(new Set(wanted.keys()));
    } finally {
      this.downloading = false;
    }
    if (this.downloadAgain && !this.stopped) await this.downloadAll();
  }

  /** HTTP pull with the current version as ETag: at start, on `sync`, and while MQTT is down. */
  async pull(): Promise<void> {
    const res = await fetch(new URL(`/api/v1/devices/${this.config.deviceId}/playlist`, this.config.serverUrl), {
      headers: { Authorization: `Bearer ${this.config.token}`, ...(this.playlist ? { 'If-None-Match': `"${this.playlist.version}"` } : {}) },
    });
    const date = res.headers.get('date');
    if (date) this.clockOffsetMs = this.clock.now() - Date.parse(date) - 500; // Date has 1 s resolution: its middle
    if (res.status === 200) this.applyPlaylist((await res.json()) as Playlist, 'http');
  }

  /**
   * The channel's active alert over HTTP (`GET …/alert`, ETag = alert id or "none"): how a player
   * that cannot reach the broker still hears an emergency. 204 clears the alert held.
   */
  async pullAlert(): Promise<void> {
    const res = await fetch(new URL(`/api/v1/devices/${this.config.deviceId}/alert`, this.config.serverUrl), {
      headers: { Authorization: `Bearer ${this.config.token}`, 'If-None-Match': `"${this.alert?.id ?? 'none'}"` },
    });
    if (res.status === 200) this.applyAlert(await res.text());
    else if (res.status === 204 && this.alert) this.applyAlert('');
  }

  private connectMqtt(): void {
    const will = { topic: this.topic.status, payload: Buffer.from(JSON.stringify({ online: false })), qos: 1 as const, retain: true };
    const client = connect(this.config.brokerUrl, { username: this.config.deviceId, password: this.config.token, protocolVersion: 4, clientId: this.config.deviceId, reconnectPeriod: 5000, reconnectOnConnackError: true, connectTimeout: 10_000, will, ...tlsOptions(this.config) });
    this.mqtt = client;
    client.on('connect', () => {
      this.log('mqtt connected');
      client.subscribe([this.topic.playlist, this.topic.commands], { qos: 1 });
      this.alertTopic = null;
      this.subscribeAlert();
      this.publishStatus();
      this.drainAfterJitter();
    });
    client.on('message', (topic, payload) => {
      try {
        const text = payload.toString('utf8');
        if (topic === this.topic.playlist && text) {
          this.applyPlaylist(JSON.parse(text) as Playlist, 'mqtt');
        } else if (topic.endsWith('/alert')) this.applyAlert(text);
        else if (topic === this.topic.commands && text) this.handleCommand(JSON.parse(text) as Command);
      } catch (err) {
        this.log('bad message', { topic, error: String(err) });
      }
    });
    client.on('error', (err) => this.log('mqtt error', { error: err.message }));
  }

  /**
   * Subscribes to the alert topic of the playlist's channel once per connection (and again if the
   * device moves to another channel). Found by the conformance runner: a playlist pulled over HTTP
   * just after connecting used to leave the device deaf to alerts over MQTT.
   */
  private subscribeAlert(): void {
    const channelId = this.playlist?.channelId;
    if (!this.mqtt?.connected || !channelId) return;
    const topic = `${this.config.topicPrefix}/channels/${channelId}/alert`;
    if (topic === this.alertTopic) return;
    if (this.alertTopic) this.mqtt.unsubscribe(this.alertTopic);
    this.alertTopic = topic;
    this.mqtt.subscribe(topic, { qos: 1 });
  }

  private publishStatus(): void {
    if (!this.mqtt?.connected) return;
    const status: Status = {
      online: true,
      at: new Date(this.clock.now()).toISOString(),
      agentVersion: AGENT_VERSION,
      playlistVersion: this.playlist?.version ?? null,
      nowPlaying: this.playing && !this.playing.key.startsWith('alert:') ? this.playing.key : null,
      volume: this.volume,
      diskFreeBytes: this.media.freeBytes(),
      uptimeS: Math.round((this.clock.now() - this.started) / 1000),
      clockOffsetMs: this.clockOffsetMs,
      protocol: PROTOCOL_SPOKEN,
      // http-alert: polls the alert over HTTP while MQTT is down; http-events: sends its backlog over HTTP; monitor: acoustic proof
      features: ['http-alert', 'http-events', ...(this.monitor ? ['monitor'] : [])],
    };
    this.mqtt.publish(this.topic.status, JSON.stringify(status), { qos: 1, retain: true });
  }

  private drainAfterJitter(): void {
    // thousands of devices coming back at once do not all send at once
    setTimeout(() => this.wakeDrain?.(), Math.random() * this.config.reconnectJitterMs);
  }

  /** Sends the outbox in batches at a bounded rate: MQTT when connected, else HTTP. */
  private async drainLoop(): Promise<void> {
    while (!this.stopped) {
      const { events, names } = this.outbox.peek(this.config.drainBatch);
      let sent = false;
      if (events.length) {
        try {
          if (this.mqtt?.connected) await withTimeout(this.mqtt.publishAsync(this.topic.events, JSON.stringify(events), { qos: 1 }), 10_000);
          else {
            const res = await fetch(new URL(`/api/v1/devices/${this.config.deviceId}/events`, this.config.serverUrl), { method: 'POST', headers: { Authorization: `Bearer ${this.config.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(events) });
            if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          }
          this.outbox.remove(names);
          sent = true;
        } catch (err) {
          this.log('events not sent yet', { count: events.length, error: String(err) });
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, sent ? this.config.drainIntervalMs : events.length ? 5000 : 60_000);
        this.wakeDrain = () => (clearTimeout(t), resolve());
      });
      this.wakeDrain = null;
    }
  }

  private async pullLoop(): Promise<void> {
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, this.config.pullIntervalS * 1000));
      if (!this.mqtt?.connected && !this.stopped) await this.pull().catch(() => undefined);
    }
  }

  private async alertLoop(): Promise<void> {
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, this.config.alertPollS * 1000));
      if (!this.mqtt?.connected && !this.stopped) await this.pullAlert().catch(() => undefined);
    }
  }

  private async downloadLoop(): Promise<void> {
    while (!this.stopped) {
      await this.downloadAll().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 30_000));
    }
  }

  private once(key: string): boolean {
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }

  private load<T>(name: string): T | null {
    const file = join(this.config.dataDir, name);
    try {
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
    } catch {
      return null;
    }
  }

  private save(name: string, value: unknown): void {
    writeFileDurably(join(this.config.dataDir, name), JSON.stringify(value));
  }

  /** For tests and status pages. */
  get state(): { version: number | null; playing: string | null; outbox: number } {
    return { version: this.playlist?.version ?? null, playing: this.playing?.key ?? null, outbox: this.outbox.size };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
}

export type { Entry };
