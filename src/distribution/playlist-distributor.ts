import { playlistsPublished } from '../infrastructure/metrics/metrics';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdvisoryLock } from '../infrastructure/database/advisory-locks';
import { DatabaseNotifications } from '../infrastructure/database/notifications';
import { PeriodicJobs } from '../infrastructure/jobs/periodic-jobs';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { MqttConnection } from '../infrastructure/mqtt/mqtt-connection';
import type { Runtime } from '../infrastructure/runtime';
import { RUNTIME } from '../infrastructure/runtime.module';
import { playlistRenderer } from './playlist';
import type { CompiledChannel } from './playlist-compiler';
import { PlaylistCompiler } from './playlist-compiler';
import { Topics } from '../infrastructure/mqtt/topics';

interface Prepared {
  compiled: Map<string, CompiledChannel>;
  devices: Array<{ id: string; channel_id: string }>;
}

/** Channels compiled per round; their devices' playlists are published together. */
const BATCH_CHANNELS = 500;
/** Playlists published and not yet acknowledged by the broker, at most. */
const PUBLISH_WINDOW = 2000;
const CLAIM_SECONDS = 120;
const POLL_MS = 1000;
/** Changes arriving within this time are taken in one round. */
const COALESCE_MS = 30;
/** Notified by the schedule_entries triggers (migration Distribution). */
const PLAYLIST_CHANGES_CHANNEL = 'bcast_playlists';

/**
 * Keeps every device's retained playlist current. Schedule changes mark their channel in
 * `playlist_changes` (a trigger, in the changing transaction); this worker claims marked channels
 * (SKIP LOCKED plus a lease, so several instances share the work and none compiles a channel
 * another is compiling), compiles them, and publishes to the devices whose last published version
 * differs — devices of unchanged channels get nothing. A cron rolls every horizon forward daily.
 */
@Injectable()
export class PlaylistDistributor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('playlists');
  private readonly workerId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private pending = false;
  /** Where the time goes, for benchmarks and health. */
  readonly stats = { rounds: 0, channels: 0, published: 0, compileMs: 0, selectMs: 0, publishMs: 0, recordMs: 0 };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly topics: Topics,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly mqtt: MqttConnection,
    private readonly compiler: PlaylistCompiler,
    private readonly notifications: DatabaseNotifications,
    private readonly periodic: PeriodicJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.runtime.embedded.broker) {
      // The embedded broker keeps retained messages in memory only: after a restart every
      // device's playlist is published again.
      await this.db.query(`UPDATE devices SET published_version = NULL WHERE published_version IS NOT NULL`);
      await this.db.query(`SELECT mark_playlists_changed(ARRAY(SELECT DISTINCT channel_id FROM devices WHERE revoked_at IS NULL))`);
    }
    await this.rollHorizon();
    await this.listen();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** Every ten minutes, on one instance of the deployment. */
  @Cron('0 */10 * * * *')
  async rollHorizonTick(now = new Date()): Promise<boolean> {
    return this.periodic.run('playlists.horizon', 600_000, () => this.rollHorizon(now), now);
  }

  /** Marks channels whose window must move to today (local midnight); one instance at a time. */
  async rollHorizon(now = new Date()): Promise<number> {
    return this.db
      .transaction(async (tx) => {
        const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [AdvisoryLock.PlaylistHorizon]);
        if (!locked) return 0;
        const rows = await tx.query(
          `SELECT c.id FROM channels c JOIN units u ON u.id = c.unit_id
             LEFT JOIN channel_playlists cp ON cp.channel_id = c.id
            WHERE EXISTS (SELECT 1 FROM devices d WHERE d.channel_id = c.id AND d.revoked_at IS NULL)
              AND (cp.channel_id IS NULL OR cp.valid_from < date_trunc('day', $1::timestamptz AT TIME ZONE u.timezone) AT TIME ZONE u.timezone)`,
          [now],
        );
        if (rows.length) await tx.query(`SELECT mark_playlists_changed($1::uuid[])`, [rows.map((r: { id: string }) => r.id)]);
        return rows.length as number;
      })
      .catch((err) => {
        this.logger.warn({ msg: 'horizon roll failed', error: String(err) });
        return 0;
      });
  }

  /**
   * Runs rounds until nothing is marked; returns the number of playlists published. Rounds are
   * pipelined: the next batch of channels is claimed and compiled while the previous one is being
   * published, and a round's published versions are recorded while the next round is publishing, so
   * the broker connection is not left idle for a database round trip (batches hold different
   * channels, so their order does not matter). One round's publishes are in flight at a time.
   */
  async drain(now = new Date()): Promise<number> {
    let published = 0;
    let publishing: Promise<unknown> = Promise.resolve();
    let publishFailed = false;
    const rounds: Array<Promise<void>> = [];
    try {
      for (;;) {
        const claimed = await this.claim();
        if (!claimed.length) break;
        let prepared: Prepared;
        try {
          prepared = await this.prepare(claimed.map((c) => c.channel_id), now);
        } catch (err) {
          await this.release(claimed.map((c) => c.channel_id));
          throw err;
        }
        await publishing;
        if (publishFailed) {
          await this.release(claimed.map((c) => c.channel_id));
          break; // the round that failed is rethrown below; the rest waits for the next drain
        }
        const sent = this.publish(prepared);
        publishing = sent.catch(() => (publishFailed = true));
        rounds.push(
          sent
            .then(async () => {
              await this.record(prepared);
              published += prepared.devices.length;
              await this.finish(claimed);
            })
            .catch(async (err) => {
              await this.release(claimed.map((c) => c.channel_id));
              throw err;
            }),
        );
      }
    } finally {
      const outcomes = await Promise.allSettled(rounds);
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return published;
  }

  /** Compiles the channels and publishes every device whose published version differs. */
  async distribute(channelIds: string[], now = new Date()): Promise<number> {
    const prepared = await this.prepare(channelIds, now);
    await this.publish(prepared);
    await this.record(prepared);
    return prepared.devices.length;
  }

  private async prepare(channelIds: string[], now: Date): Promise<Prepared> {
    let t = performance.now();
    this.stats.rounds++;
    this.stats.channels += channelIds.length;
    const compiled = await this.compiler.compile(channelIds, now);
    this.stats.compileMs += performance.now() - t;
    t = performance.now();
    if (!compiled.size) return { compiled, devices: [] };
    const devices: Array<{ id: string; channel_id: string }> = await this.db.query(
      `SELECT d.id, d.channel_id FROM devices d
        WHERE d.channel_id = ANY($1::uuid[]) AND d.revoked_at IS NULL
          AND d.published_version IS DISTINCT FROM (SELECT version FROM channel_playlists WHERE channel_id = d.channel_id)`,
      [[...compiled.keys()]],
    );
    this.stats.selectMs += performance.now() - t;
    return { compiled, devices };
  }

  /** Publishes each device's playlist, retained, QoS 1; resolves when the broker has acknowledged them all. */
  private async publish({ compiled, devices }: Prepared): Promise<void> {
    if (!devices.length) return;
    const t = performance.now();
    // rendered once per channel; each device's payload is that text with its id
    const render = new Map<string, (deviceId: string) => Buffer>();
    for (const [id, c] of compiled) render.set(id, playlistRenderer(c.playlist, c.entriesJson));
    // at most PUBLISH_WINDOW unacknowledged at a time, each payload made when it is sent: the broker's
    // connection stays full and memory holds a window of playlists, not a round's (15,000 × 6.4 kB)
    let next = 0;
    const sender = async () => {
      while (next < devices.length) {
        const d = devices[next++];
        await this.mqtt.client.publishAsync(this.topics.playlist(d.id), render.get(d.channel_id)!(d.id), { qos: 1, retain: true });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUBLISH_WINDOW, devices.length) }, sender));
    this.stats.publishMs += performance.now() - t;
  }

  /** Records the versions the devices were sent, once the broker holds them. */
  private async record({ compiled, devices }: Prepared): Promise<void> {
    if (!devices.length) return;
    const t = performance.now();
    await this.db.query(
      `UPDATE devices d SET published_version = x.version FROM unnest($1::uuid[], $2::bigint[]) AS x(id, version) WHERE d.id = x.id`,
      [devices.map((d) => d.id), devices.map((d) => compiled.get(d.channel_id)!.playlist.version)],
    );
    this.stats.recordMs += performance.now() - t;
    this.stats.published += devices.length;
    playlistsPublished.inc(devices.length);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.drain();
      } catch (err) {
        this.logger.warn({ msg: 'playlist round failed', error: String(err) });
      }
      if (this.stopping) break;
      if (!this.pending) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = null;
      this.pending = false;
      await new Promise((r) => setTimeout(r, COALESCE_MS));
    }
  }

  private async listen(): Promise<void> {
    await this.notifications.listen(PLAYLIST_CHANGES_CHANNEL, () => {
      this.pending = true;
      this.wake?.();
    });
  }

  private async claim(): Promise<Array<{ channel_id: string; seq: string }>> {
    return returnedRows(
      await this.db.query(
        `UPDATE playlist_changes SET claimed_by = $1, claimed_until = now() + make_interval(secs => $3)
          WHERE channel_id IN (SELECT channel_id FROM playlist_changes
                                WHERE claimed_until IS NULL OR claimed_until < now()
                                ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING channel_id, seq`,
        [this.workerId, BATCH_CHANNELS, CLAIM_SECONDS],
      ),
    );
  }

  /** Done with what was claimed; a channel changed again meanwhile stays marked for the next round. */
  private async finish(claimed: Array<{ channel_id: string; seq: string }>): Promise<void> {
    await this.db.query(
      `DELETE FROM playlist_changes p USING unnest($1::uuid[], $2::bigint[]) AS x(channel_id, seq)
        WHERE p.channel_id = x.channel_id AND p.seq = x.seq AND p.claimed_by = $3`,
      [claimed.map((c) => c.channel_id), claimed.map((c) => c.seq), this.workerId],
    );
    await this.release(claimed.map((c) => c.channel_id));
  }

  private async release(channelIds: string[]): Promise<void> {
    await this.db.query(`UPDATE playlist_changes SET claimed_by = NULL, claimed_until = NULL WHERE channel_id = ANY($1::uuid[]) AND claimed_by = $2`, [channelIds, this.workerId]);
  }
}
