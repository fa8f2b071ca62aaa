import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ChannelsService } from '../channels/channels.service';
import { AdvisoryLock } from '../infrastructure/database/advisory-locks';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { AppError } from '../infrastructure/http/app-error';
import { PeriodicJobs } from '../infrastructure/jobs/periodic-jobs';
import { settledWithin } from '../infrastructure/settle-within';
import { MqttConnection } from '../infrastructure/mqtt/mqtt-connection';
import { MediaService } from '../media/media.service';
import { ProgramsService } from '../programs/programs.service';
import type { StartAlertDto } from './dto/alert.dto';
import type { PlaylistMedia } from './playlist';
import { Topics } from '../infrastructure/mqtt/topics';

const ALERT_NOT_FOUND = { vi: 'cảnh báo khẩn cấp', en: 'alert' };

/** An Alert of the protocol. */
export interface AlertMessage {
  id: string;
  title: string;
  priority: 100;
  startsAt: string;
  endsAt?: string;
  media?: PlaylistMedia[];
  streamUrl?: string;
  repeat?: number;
}

interface AlertRow {
  id: string;
  title: string;
  source: string;
  stream_url: string | null;
  repeat: number | null;
  starts_at: Date;
  ends_at: Date | null;
  stopped_at: Date | null;
  sha256: string | null;
  bytes: string | null;
  mime: string | null;
  duration_ms: number | null;
}

/**
 * Emergency alerts: started by an operator or editor on channels of their subtree, retained on
 * each channel's alert topic while active (players pre-empt everything for it), cleared by an
 * empty retained message when stopped or past its end. Everything is audited. A minute cron ends
 * expired alerts and re-publishes active ones (a broker restarted without persistence forgets).
 */
@Injectable()
export class AlertsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('alerts');
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly topics: Topics,
    private readonly mqtt: MqttConnection,
    private readonly channels: ChannelsService,
    private readonly programs: ProgramsService,
    private readonly media: MediaService,
    private readonly audit: AuditService,
    private readonly periodic: PeriodicJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
  }

  /** What an alert to a whole unit would reach: its loudspeakers and their devices. */
  async reach(actor: Actor, unitId: string): Promise<{ unitId: string; channels: number; devices: number }> {
    const ids = (await this.unitSpeakers(actor, unitId)).map((c) => c.id);
    const [{ devices }] = await this.db.query(`SELECT count(*)::int AS devices FROM devices WHERE channel_id = ANY($1::uuid[]) AND revoked_at IS NULL`, [ids]);
    return { unitId, channels: ids.length, devices };
  }

  private async unitSpeakers(actor: Actor, unitId: string) {
    return (await this.channels.list(actor, unitId)).filter((c) => c.kind === 'audio' && c.active);
  }

  /** The channels named, or every loudspeaker of the unit's subtree; one of the two. */
  private async target(actor: Actor, dto: StartAlertDto): Promise<Array<Awaited<ReturnType<ChannelsService['get']>>>> {
    if (!dto.channelIds === !dto.unitId) throw AppError.field('channelIds', 'alert', 'chọn các kênh, hoặc một đơn vị (unitId) để phát trên mọi cụm loa của đơn vị đó', 'give channelIds, or a unitId for every loudspeaker of that unit');
    const ids = dto.unitId ? (await this.unitSpeakers(actor, dto.unitId)).map((c) => c.id) : dto.channelIds!;
    if (!ids.length) throw AppError.field('unitId', 'alert', 'đơn vị này chưa có cụm loa nào', 'this unit has no loudspeakers');
    const channels: Array<Awaited<ReturnType<ChannelsService['get']>>> = [];
    for (const id of ids) channels.push(await this.channels.get(actor, id));
    return channels;
  }

  async start(actor: Actor, dto: StartAlertDto, now = new Date()): Promise<AlertMessage & { channelIds: string[] }> {
    const channels = await this.target(actor, dto);
    let mediaAssetId: string | null = null;
    if (dto.source === 'program') {
      if (!dto.programId) throw AppError.field('programId', 'alert', 'là bắt buộc khi phát một chương trình', 'is required for source program');
      await this.programs.get(actor, dto.programId);
      if (!(await this.programs.isSchedulable(dto.programId))) throw new AppError('PROGRAM_NOT_SCHEDULABLE');
    } else if (dto.source === 'recording') {
      if (!dto.mediaAssetId) throw AppError.field('mediaAssetId', 'alert', 'là bắt buộc khi phát bản ghi âm', 'is required for source recording');
      const asset = await this.media.get(actor, dto.mediaAssetId);
      if (asset.kind !== 'audio') throw AppError.field('mediaAssetId', 'alert', 'phải là tệp âm thanh', 'must be an audio file');
      if (asset.status !== 'ready') throw new AppError('MEDIA_NOT_READY');
      mediaAssetId = asset.id;
    } else if (!dto.streamUrl) {
      throw AppError.field('streamUrl', 'alert', 'là bắt buộc khi tiếp âm', 'is required for source relay');
    }
    const endsAt = dto.endsAt ? new Date(dto.endsAt) : null;
    if (endsAt && endsAt <= now) throw AppError.field('endsAt', 'alert', 'phải ở trong tương lai', 'must be in the future');
    const id = await this.db.transaction(async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO alerts (unit_id, title, source, program_id, media_asset_id, stream_url, repeat, starts_at, ends_at, started_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [actor.unitId ?? channels[0].unitId, dto.title.trim(), dto.source, dto.source === 'program' ? dto.programId : null, mediaAssetId, dto.source === 'relay' ? dto.streamUrl : null, dto.repeat ?? null, now, endsAt, actor.id],
      );
      for (const c of channels) {
        await tx.query(`INSERT INTO alert_channels (alert_id, channel_id) VALUES ($1, $2)`, [row.id, c.id]).catch((err: { code?: string }) => {
          if (err.code === '23505') throw new AppError('ALERT_ACTIVE', { channel: c.name });
          throw err;
        });
      }
      // one record per channel, at its unit: it names that channel only (a commune's readers never see another commune's channels)
      const { channelIds: _all, unitId: _unit, ...details } = dto;
      for (const c of channels) {
        await this.audit.record(tx, actor, { action: 'alert.start', entityType: 'alert', entityId: row.id, unitPath: c.unitPath, changes: { channelId: c.id, ...details } });
      }
      return row.id as string;
    });
    const message = await this.message(id);
    await this.bounded('alert not published yet', () => this.publish(channels.map((c) => c.id), message));
    return { ...message, channelIds: channels.map((c) => c.id) };
  }

  async stop(actor: Actor, id: string, now = new Date()): Promise<{ id: string; stoppedAt: Date; channelIds: string[] }> {
    const channelIds = await this.db.transaction(async (tx) => {
      const [alert] = await tx.query(`SELECT id, stopped_at FROM alerts WHERE id = $1 FOR UPDATE`, [id]);
      if (!alert) throw AppError.notFound(ALERT_NOT_FOUND);
      const rows: Array<{ channel_id: string }> = await tx.query(`SELECT channel_id FROM alert_channels WHERE alert_id = $1`, [id]);
      const mine = [];
      for (const r of rows) mine.push(await this.channels.get(actor, r.channel_id, tx).catch(() => null));
      // Only someone who may act on every channel of the alert stops it (it was started for all of them).
      if (mine.some((c) => c === null)) throw AppError.notFound(ALERT_NOT_FOUND);
      if (alert.stopped_at) throw new AppError('ALERT_STOPPED');
      await tx.query(`UPDATE alerts SET stopped_at = $2, stopped_by = $3 WHERE id = $1`, [id, now, actor.id]);
      await tx.query(`UPDATE alert_channels SET active = false WHERE alert_id = $1`, [id]);
      for (const c of mine) await this.audit.record(tx, actor, { action: 'alert.stop', entityType: 'alert', entityId: id, unitPath: c!.unitPath, changes: { channelId: c!.id } });
      return rows.map((r) => r.channel_id);
    });
    await this.bounded('alert not cleared yet', () => this.clear(channelIds));
    return { id, stoppedAt: now, channelIds };
  }

  async list(actor: Actor, activeOnly: boolean): Promise<Array<AlertMessage & { channelIds: string[]; active: boolean; stoppedAt: Date | null }>> {
    const rows: Array<{ id: string; channel_ids: string[]; active: boolean; stopped_at: Date | null }> = await this.db.query(
      `SELECT a.id, array_agg(ac.channel_id) AS channel_ids, bool_or(ac.active) AS active, a.stopped_at
         FROM alerts a JOIN alert_channels ac ON ac.alert_id = a.id JOIN channels c ON c.id = ac.channel_id JOIN units u ON u.id = c.unit_id
        WHERE u.path LIKE $1
        GROUP BY a.id HAVING NOT $2 OR bool_or(ac.active)
        ORDER BY max(a.starts_at) DESC LIMIT 200`,
      [`${actor.pathPrefix}%`, activeOnly],
    );
    const out = [];
    for (const r of rows) out.push({ ...(await this.message(r.id)), channelIds: r.channel_ids, active: r.active, stoppedAt: r.stopped_at });
    return out;
  }

  /** Every minute, on one instance of the deployment. */
  @Cron('0 * * * * *')
  async reconcileTick(now = new Date()): Promise<boolean> {
    return this.periodic.run('alerts.reconcile', 60_000, () => this.reconcile(now), now);
  }

  /** Ends alerts past their end and makes the broker hold exactly the active alerts. */
  async reconcile(now = new Date()): Promise<void> {
    await this.db
      .transaction(async (tx) => {
        const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [AdvisoryLock.AlertExpiry]);
        if (!locked) return;
        const ended = returnedRows<{ id: string }>(await tx.query(`UPDATE alerts SET stopped_at = ends_at WHERE stopped_at IS NULL AND ends_at <= $1 RETURNING id`, [now]));
        if (ended.length) await tx.query(`UPDATE alert_channels SET active = false WHERE alert_id = ANY($1::uuid[])`, [ended.map((e) => e.id)]);
        const active: Array<{ alert_id: string; channel_id: string }> = await tx.query(`SELECT alert_id, channel_id FROM alert_channels WHERE active`);
        const cleared: Array<{ channel_id: string }> = await tx.query(
          `SELECT DISTINCT ac.channel_id FROM alert_channels ac JOIN alerts a ON a.id = ac.alert_id
            WHERE NOT ac.active AND a.stopped_at > $1::timestamptz - interval '1 day'
              AND NOT EXISTS (SELECT 1 FROM alert_channels x WHERE x.channel_id = ac.channel_id AND x.active)`,
          [now],
        );
        const byAlert = new Map<string, string[]>();
        for (const a of active) byAlert.set(a.alert_id, [...(byAlert.get(a.alert_id) ?? []), a.channel_id]);
        for (const [alertId, channelIds] of byAlert) await this.publish(channelIds, await this.message(alertId));
        await this.clear(cleared.map((c) => c.channel_id));
      })
      .catch((err) => this.logger.warn({ msg: 'alert reconcile failed', error: String(err) }));
  }

  /** The active alert of a channel, as the alert topic carries it (null: none). */
  async activeFor(channelId: string): Promise<AlertMessage | null> {
    const [row] = await this.db.query(
      `SELECT ac.alert_id FROM alert_channels ac JOIN alerts a ON a.id = ac.alert_id
        WHERE ac.channel_id = $1 AND ac.active AND a.stopped_at IS NULL ORDER BY a.starts_at DESC LIMIT 1`,
      [channelId],
    );
    return row ? this.message(row.alert_id) : null;
  }

  private async message(id: string): Promise<AlertMessage> {
    const [a]: AlertRow[] = await this.db.query(
      `SELECT a.id, a.title, a.source, a.stream_url, a.repeat, a.starts_at, a.ends_at, a.stopped_at, m.sha256, m.bytes, m.mime, m.duration_ms
         FROM alerts a
         LEFT JOIN programs p ON p.id = a.program_id
         LEFT JOIN media_assets m ON m.id = COALESCE(a.media_asset_id, p.audio_asset_id)
        WHERE a.id = $1`,
      [id],
    );
    if (!a) throw AppError.notFound(ALERT_NOT_FOUND);
    const message: AlertMessage = { id: a.id, title: a.title, priority: 100, startsAt: a.starts_at.toISOString() };
    if (a.ends_at) message.endsAt = a.ends_at.toISOString();
    if (a.sha256) message.media = [{ sha256: a.sha256, url: `/api/v1/media/${a.sha256}`, bytes: Number(a.bytes), mime: a.mime!, durationMs: a.duration_ms }];
    if (a.stream_url) message.streamUrl = a.stream_url;
    if (a.repeat) message.repeat = a.repeat;
    return message;
  }

  /**
   * The alert is stored before it is published: with the broker unreachable the request does not
   * hang. MQTT.js sends it when the broker is back, the minute job publishes it again, and players
   * polling HTTP (GET /api/v1/devices/{id}/alert) see it at once.
   */
  private async bounded(what: string, send: () => Promise<void>): Promise<void> {
    const sending = send();
    const settled = await settledWithin(sending, 3000);
    const error = settled ? await sending.then(() => null, (err: unknown) => err) : 'no answer from the broker within 3 s';
    if (error) this.logger.warn({ msg: what, error: String(error) });
  }

  private async publish(channelIds: string[], message: AlertMessage): Promise<void> {
    const payload = JSON.stringify(message);
    await Promise.all(channelIds.map((c) => this.mqtt.client.publishAsync(this.topics.alert(c), payload, { qos: 1, retain: true })));
  }

  private async clear(channelIds: string[]): Promise<void> {
    await Promise.all(channelIds.map((c) => this.mqtt.client.publishAsync(this.topics.alert(c), '', { qos: 1, retain: true })));
  }
}
