import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ChannelsService } from '../channels/channels.service';
import { AlertsService } from '../distribution/alerts.service';
import { AppError } from '../infrastructure/http/app-error';
import { MediaService } from '../media/media.service';
import { checkDateRange } from '../schedule/date-range';
import { addDays, zonedInstant } from '../schedule/planner/local-time';
import type { ChannelWindow } from '../schedule/planner/planner';
import { ReplanRequests } from '../schedule/replan-requests';
import { UnitsService } from '../units/units.service';
import type { BulletinSource, SendBulletinDto } from './dto/bulletin.dto';
import { layoutSession, nextSession } from './session-layout';

const BULLETIN_NOT_FOUND = { vi: 'bản tin', en: 'bulletin' };

interface SpeakerRow {
  id: string;
  name: string;
  unit_id: string;
  windows: ChannelWindow[];
  days_off: string[];
  timezone: string;
}

/**
 * Bulletins from above with Circular 39/2020/TT-BTTTT's three levels. A bulletin reaches every
 * loudspeaker channel of a subtree as a delivery: "thông thường" ones are offered and wait for the
 * commune's operator to place or decline them; "ưu tiên" ones are placed at the start of the
 * channel's next session (in the operator's order when several meet), pushing what was there later
 * and re-planning what no longer fits; "khẩn cấp" ones become an alert at once.
 */
@Injectable()
export class BulletinsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsService,
    private readonly channels: ChannelsService,
    private readonly media: MediaService,
    private readonly alerts: AlertsService,
    private readonly audit: AuditService,
    private readonly replan: ReplanRequests,
  ) {}

  async send(actor: Actor, dto: SendBulletinDto, now = new Date()) {
    const target = await this.units.get(actor, dto.targetUnitId);
    const asset = await this.media.get(actor, dto.mediaAssetId);
    if (asset.kind !== 'audio') throw AppError.wrongKind('mediaAssetId', 'bản tin cần một tệp âm thanh', 'a bulletin needs an audio file');
    if (asset.status !== 'ready' || !asset.durationMs) throw new AppError('MEDIA_NOT_READY');
    const validFrom = dto.validFrom ? new Date(dto.validFrom) : now;
    const validUntil = new Date(dto.validUntil);
    if (validUntil <= now) throw AppError.field('validUntil', 'bulletin', 'phải ở trong tương lai', 'must be in the future');
    if (validUntil <= validFrom) throw AppError.field('validUntil', 'bulletin', 'phải sau validFrom', 'must be after validFrom');
    const speakers = await this.speakers(this.db.manager, target.path);
    if (!speakers.length) throw AppError.field('targetUnitId', 'bulletin', 'đơn vị này chưa có kênh truyền thanh nào', 'this unit has no loudspeaker channel');
    const source = dto.source ?? (await this.senderSource(actor));

    const id = await this.db.transaction(async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO bulletins (unit_id, target_unit_id, level, source, title, media_asset_id, duration_ms, valid_from, valid_until, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [actor.unitId ?? target.id, target.id, dto.level, source, dto.title.trim(), asset.id, asset.durationMs, validFrom, validUntil, actor.id],
      );
      await tx.query(
        `INSERT INTO bulletin_deliveries (bulletin_id, channel_id, status) SELECT $1, unnest($2::uuid[]), $3`,
        [row.id, speakers.map((c) => c.id), dto.level === 'emergency' ? 'alerted' : 'offered'],
      );
      if (dto.level === 'priority') for (const c of speakers) await this.layPriority(tx, actor, c, now);
      await this.audit.record(tx, actor, { action: 'bulletin.send', entityType: 'bulletin', entityId: row.id, unitPath: target.path, changes: { ...dto, source, channels: speakers.length } });
      return row.id as string;
    });
    if (dto.level === 'emergency') {
      // khẩn cấp: at once, over everything — an alert on every loudspeaker of the subtree
      try {
        const alert = await this.alerts.start(actor, { unitId: target.id, title: dto.title.trim(), source: 'recording', mediaAssetId: asset.id, endsAt: validUntil.toISOString() }, now);
        await this.db.query(`UPDATE bulletins SET alert_id = $2 WHERE id = $1`, [id, alert.id]);
      } catch (err) {
        await this.db.query(`DELETE FROM bulletins WHERE id = $1`, [id]); // nothing half-written
        throw err;
      }
    }
    return this.get(id);
  }

  async get(id: string) {
    const [b] = await this.db.query(
      `SELECT b.id, b.level, b.source, b.title, b.media_asset_id AS "mediaAssetId", b.duration_ms AS "durationMs", b.valid_from AS "validFrom", b.valid_until AS "validUntil",
              b.target_unit_id AS "targetUnitId", b.alert_id AS "alertId", b.created_at AS "createdAt",
              (SELECT count(*)::int FROM bulletin_deliveries d WHERE d.bulletin_id = b.id) AS channels
         FROM bulletins b WHERE b.id = $1`,
      [id],
    );
    if (!b) throw AppError.notFound(BULLETIN_NOT_FOUND);
    return b;
  }

  /** What the actor's loudspeakers have to deal with: offered bulletins still valid, priority ones placed for a coming session. */
  async inbox(actor: Actor, now = new Date()) {
    return this.db.query(
      `SELECT b.id AS "bulletinId", d.channel_id AS "channelId", c.name AS "channelName", b.level, b.source, b.title, b.duration_ms AS "durationMs",
              b.valid_from AS "validFrom", b.valid_until AS "validUntil", d.status, d.entry_id AS "entryId", e.starts_at AS "startsAt", d.position, d.note
         FROM bulletin_deliveries d JOIN bulletins b ON b.id = d.bulletin_id JOIN channels c ON c.id = d.channel_id JOIN units u ON u.id = c.unit_id
         LEFT JOIN schedule_entries e ON e.id = d.entry_id
        WHERE u.path LIKE $1 AND b.valid_until > $2
          AND (d.status = 'offered' OR (d.status = 'placed' AND e.status = 'scheduled' AND e.starts_at > $2))
        ORDER BY CASE b.level WHEN 'priority' THEN 0 ELSE 1 END, c.name, d.position NULLS LAST, b.valid_until`,
      [`${actor.pathPrefix}%`, now],
    );
  }

  /** The operator places an offered bulletin in the commune's schedule. */
  async place(actor: Actor, bulletinId: string, channelId: string, startsAt: Date, now = new Date()) {
    const channel = await this.channels.get(actor, channelId);
    return this.db.transaction(async (tx) => {
      const d = await this.lockDelivery(tx, bulletinId, channel.id, now);
      if (startsAt < now) throw AppError.field('startsAt', 'bulletin', 'không được ở trong quá khứ', 'must not be in the past');
      const endsAt = new Date(startsAt.getTime() + d.duration_ms);
      if (startsAt < new Date(d.valid_from) || endsAt > new Date(d.valid_until)) {
        throw AppError.field('startsAt', 'bulletin', 'phải nằm trong thời gian hiệu lực của bản tin', 'must be within the bulletin’s validity');
      }
      const entryId = await this.insertEntry(tx, actor, channel.id, d, 'normal', startsAt, endsAt);
      await tx.query(`UPDATE bulletin_deliveries SET status = 'placed', entry_id = $3, handled_by = $4, handled_at = $5 WHERE bulletin_id = $1 AND channel_id = $2`, [bulletinId, channel.id, entryId, actor.id, now]);
      await this.audit.record(tx, actor, { action: 'bulletin.place', entityType: 'bulletin', entityId: bulletinId, unitPath: channel.unitPath, changes: { channelId: channel.id, startsAt } });
      return { bulletinId, channelId: channel.id, status: 'placed', entryId, startsAt, endsAt };
    });
  }

  /** The operator declines a bulletin with a reason (one placed but not yet aired gives its time back). */
  async decline(actor: Actor, bulletinId: string, channelId: string, reason: string, now = new Date()) {
    const channel = await this.channels.get(actor, channelId);
    return this.db.transaction(async (tx) => {
      const [d] = await tx.query(
        `SELECT d.status, d.entry_id, e.status AS entry_status, e.starts_at FROM bulletin_deliveries d LEFT JOIN schedule_entries e ON e.id = d.entry_id
          WHERE d.bulletin_id = $1 AND d.channel_id = $2 FOR UPDATE OF d`,
        [bulletinId, channel.id],
      );
      if (!d) throw AppError.notFound(BULLETIN_NOT_FOUND);
      const stillToCome = d.status === 'placed' && d.entry_status === 'scheduled' && new Date(d.starts_at) > now;
      if (d.status !== 'offered' && !stillToCome) throw new AppError('BULLETIN_HANDLED', { status: d.status });
      if (stillToCome) await tx.query(`UPDATE schedule_entries SET status = 'cancelled', updated_at = now() WHERE id = $1`, [d.entry_id]);
      await tx.query(`UPDATE bulletin_deliveries SET status = 'declined', decline_reason = $3, handled_by = $4, handled_at = $5 WHERE bulletin_id = $1 AND channel_id = $2`, [bulletinId, channel.id, reason.trim(), actor.id, now]);
      await this.audit.record(tx, actor, { action: 'bulletin.decline', entityType: 'bulletin', entityId: bulletinId, unitPath: channel.unitPath, changes: { channelId: channel.id, reason } });
      return { bulletinId, channelId: channel.id, status: 'declined', reason: reason.trim() };
    });
  }

  /** The operator's order for the priority bulletins meeting in the channel's next session. */
  async order(actor: Actor, channelId: string, bulletinIds: string[], now = new Date()) {
    const channel = await this.channels.get(actor, channelId);
    return this.db.transaction(async (tx) => {
      const [speaker] = await this.speakers(tx, null, channel.id);
      const waiting = await this.priorityWaiting(tx, speaker, now);
      const ids = waiting.map((w) => w.bulletin_id);
      if (ids.length !== bulletinIds.length || !bulletinIds.every((b) => ids.includes(b))) {
        throw AppError.field('bulletinIds', 'bulletin', `phải gồm đúng ${ids.length} bản tin ưu tiên của phiên tới`, `must list exactly the ${ids.length} priority bulletins of the next session`);
      }
      for (const [i, b] of bulletinIds.entries()) await tx.query(`UPDATE bulletin_deliveries SET position = $3, handled_by = $4, handled_at = $5 WHERE bulletin_id = $1 AND channel_id = $2`, [b, channel.id, i, actor.id, now]);
      await this.layPriority(tx, actor, speaker, now);
      await this.audit.record(tx, actor, { action: 'bulletin.order', entityType: 'channel', entityId: channel.id, unitPath: channel.unitPath, changes: { bulletinIds } });
      return this.db.query(`SELECT bulletin_id AS "bulletinId", entry_id AS "entryId", position FROM bulletin_deliveries WHERE channel_id = $1 AND bulletin_id = ANY($2::uuid[]) ORDER BY position`, [channel.id, bulletinIds]);
    });
  }

  /** Per commune, level and source: received, placed, aired, declined (with reasons), expired, still open. */
  async report(actor: Actor, unitId: string, from: string, to: string, now = new Date()) {
    checkDateRange(from, to, 800);
    const unit = await this.units.get(actor, unitId);
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT un.id AS "unitId", un.name AS "unitName", b.level, b.source, count(*)::int AS received,
              count(*) FILTER (WHERE d.status = 'placed')::int AS placed,
              count(*) FILTER (WHERE d.status = 'alerted' OR (d.status = 'placed' AND (e.status = 'aired' OR e.evidenced_at IS NOT NULL)))::int AS aired,
              count(*) FILTER (WHERE d.status = 'declined')::int AS declined,
              COALESCE(array_agg(DISTINCT d.decline_reason) FILTER (WHERE d.status = 'declined'), '{}') AS "declineReasons",
              count(*) FILTER (WHERE d.status = 'offered' AND b.valid_until <= $4)::int AS expired,
              count(*) FILTER (WHERE d.status = 'offered' AND b.valid_until > $4)::int AS open
         FROM bulletin_deliveries d JOIN bulletins b ON b.id = d.bulletin_id JOIN channels c ON c.id = d.channel_id JOIN units un ON un.id = c.unit_id
         LEFT JOIN schedule_entries e ON e.id = d.entry_id
        WHERE un.path LIKE $1 AND b.created_at >= $2 AND b.created_at < $3
        GROUP BY un.id, un.name, b.level, b.source ORDER BY un.name, b.level, b.source`,
      [`${unit.path}%`, zonedInstant(from, '00:00', unit.timezone), zonedInstant(addDays(to, 1), '00:00', unit.timezone), now],
    );
    const total = (k: string) => rows.reduce((n, r) => n + (r[k] as number), 0);
    return { rows, totals: Object.fromEntries(['received', 'placed', 'aired', 'declined', 'expired', 'open'].map((k) => [k, total(k)])) };
  }

  /**
   * Lays the channel's waiting priority bulletins at the start of its next session, in the operator's
   * order (then oldest first): what was booked there moves later within the session; what no longer
   * fits is cancelled and its unit re-planned. Each delivery keeps the explanation.
   */
  private async layPriority(tx: EntityManager, actor: Actor, channel: SpeakerRow, now: Date): Promise<void> {
    const waiting = await this.priorityWaiting(tx, channel, now);
    if (!waiting.length) return;
    const session = nextSession(channel.windows, channel.days_off ?? [], channel.timezone, now);
    if (!session) {
      await tx.query(`UPDATE bulletin_deliveries SET note = $3 WHERE channel_id = $1 AND bulletin_id = ANY($2::uuid[]) AND status = 'offered'`, [channel.id, waiting.map((w) => w.bulletin_id), 'Kênh không có phiên phát sóng nào trong 7 ngày tới: chờ người vận hành xếp lịch']);
      return;
    }
    const booked: Array<{ id: string; starts_at: Date; ends_at: Date; title: string | null }> = await tx.query(
      `SELECT e.id, e.starts_at, e.ends_at, COALESCE(e.title, p.title) AS title FROM schedule_entries e LEFT JOIN programs p ON p.id = e.program_id
        WHERE e.channel_id = $1 AND e.status = 'scheduled' AND e.priority = 'normal' AND e.evidenced_at IS NULL AND e.starts_at >= $2 AND e.starts_at < $3
        ORDER BY e.starts_at FOR UPDATE OF e`,
      [channel.id, session.start, session.end],
    );
    const layout = layoutSession(session, waiting.map((w) => ({ id: w.bulletin_id, durationMs: w.duration_ms })), booked.map((b) => ({ id: b.id, startsAt: new Date(b.starts_at), endsAt: new Date(b.ends_at) })));
    const titleOf = new Map(booked.map((b) => [b.id, b.title ?? '']));
    const hm = (t: Date) => t.toLocaleTimeString('en-GB', { timeZone: channel.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const notes: string[] = [];
    if (layout.displaced.length) {
      await tx.query(`UPDATE schedule_entries SET status = 'cancelled', updated_at = now() WHERE id = ANY($1::uuid[])`, [layout.displaced]);
      for (const id of layout.displaced) notes.push(`«${titleOf.get(id)}» (${hm(new Date(booked.find((b) => b.id === id)!.starts_at))}) không còn chỗ trong phiên sau bản tin ưu tiên: đã hủy và được lập lịch lại`);
      await this.replan.request(tx, channel.unit_id, 'priority bulletin displaced airings');
    }
    // later ones first: each moves later, so none overlaps the next on the way
    for (const m of [...layout.moved].reverse()) {
      await tx.query(`UPDATE schedule_entries SET starts_at = $2, ends_at = $3, updated_at = now() WHERE id = $1`, [m.id, m.startsAt, m.endsAt]);
    }
    for (const m of layout.moved) notes.push(`«${titleOf.get(m.id)}» lùi từ ${hm(new Date(booked.find((b) => b.id === m.id)!.starts_at))} sang ${hm(m.startsAt)}`);
    // the bulletins' own entries: kept where they already are, laid again otherwise
    for (const [i, p] of layout.bulletins.entries()) {
      const w = waiting.find((x) => x.bulletin_id === p.id)!;
      if (w.entry_id && new Date(w.starts_at!).getTime() === p.startsAt.getTime()) {
        await tx.query(`UPDATE bulletin_deliveries SET position = $3 WHERE bulletin_id = $1 AND channel_id = $2`, [p.id, channel.id, i]);
        continue;
      }
      if (w.entry_id) await tx.query(`UPDATE schedule_entries SET status = 'cancelled', updated_at = now() WHERE id = $1`, [w.entry_id]);
    }
    for (const [i, p] of layout.bulletins.entries()) {
      const w = waiting.find((x) => x.bulletin_id === p.id)!;
      if (w.entry_id && new Date(w.starts_at!).getTime() === p.startsAt.getTime()) continue;
      const entryId = await this.insertEntry(tx, actor, channel.id, w, 'priority', p.startsAt, p.endsAt);
      await tx.query(
        `UPDATE bulletin_deliveries SET status = 'placed', entry_id = $3, position = $4, note = COALESCE($5, note) WHERE bulletin_id = $1 AND channel_id = $2`,
        [p.id, channel.id, entryId, i, notes.length ? notes.join('; ') : null],
      );
    }
  }

  /** The channel's priority bulletins still to air in its next session, or waiting for one. */
  private async priorityWaiting(tx: EntityManager, channel: SpeakerRow, now: Date) {
    const rows: Array<{ bulletin_id: string; entry_id: string | null; starts_at: Date | null; duration_ms: number; title: string; media_asset_id: string; valid_from: Date; valid_until: Date }> = await tx.query(
      `SELECT d.bulletin_id, d.entry_id, e.starts_at, b.duration_ms, b.title, b.media_asset_id, b.valid_from, b.valid_until
         FROM bulletin_deliveries d JOIN bulletins b ON b.id = d.bulletin_id LEFT JOIN schedule_entries e ON e.id = d.entry_id
        WHERE d.channel_id = $1 AND b.level = 'priority' AND b.valid_until > $2
          AND (d.status = 'offered' OR (d.status = 'placed' AND e.status = 'scheduled' AND e.starts_at > $2))
        ORDER BY d.position NULLS LAST, b.created_at, b.id FOR UPDATE OF d`,
      [channel.id, now],
    );
    return rows;
  }

  private async insertEntry(tx: EntityManager, actor: Actor, channelId: string, b: { title: string; media_asset_id: string }, priority: 'normal' | 'priority', startsAt: Date, endsAt: Date): Promise<string> {
    const [row] = await tx.query(
      `INSERT INTO schedule_entries (channel_id, kind, priority, status, source, title, media_asset_id, starts_at, ends_at, created_by)
       VALUES ($1, 'announcement', $2, 'scheduled', 'manual', $3, $4, $5, $6, $7) RETURNING id`,
      [channelId, priority, b.title, b.media_asset_id, startsAt, endsAt, actor.id],
    ).catch((err: { code?: string }) => {
      if (err.code === '23P01') throw new AppError('SCHEDULE_CONFLICT');
      throw err;
    });
    return row.id;
  }

  private async lockDelivery(tx: EntityManager, bulletinId: string, channelId: string, now: Date) {
    const [d] = await tx.query(
      `SELECT d.status, b.level, b.title, b.media_asset_id, b.duration_ms, b.valid_from, b.valid_until
         FROM bulletin_deliveries d JOIN bulletins b ON b.id = d.bulletin_id WHERE d.bulletin_id = $1 AND d.channel_id = $2 FOR UPDATE OF d`,
      [bulletinId, channelId],
    );
    if (!d) throw AppError.notFound(BULLETIN_NOT_FOUND);
    if (d.status !== 'offered') throw new AppError('BULLETIN_HANDLED', { status: d.status });
    if (new Date(d.valid_until) <= now) throw new AppError('BULLETIN_EXPIRED');
    return d as { title: string; media_asset_id: string; duration_ms: number; valid_from: Date; valid_until: Date };
  }

  private async speakers(tx: EntityManager, path: string | null, channelId?: string): Promise<SpeakerRow[]> {
    return tx.query(
      `SELECT c.id, c.name, c.unit_id, c.windows, to_json(c.days_off) AS days_off, u.timezone FROM channels c JOIN units u ON u.id = c.unit_id
        WHERE c.active AND c.kind = 'audio' AND ($1::text IS NULL OR u.path LIKE $1 || '%') AND ($2::uuid IS NULL OR c.id = $2) ORDER BY u.path, c.name`,
      [path, channelId ?? null],
    );
  }

  private async senderSource(actor: Actor): Promise<BulletinSource> {
    if (!actor.unitId) return 'central';
    const [u] = await this.db.query(`SELECT kind FROM units WHERE id = $1`, [actor.unitId]);
    return u?.kind === 'province' ? 'province' : u?.kind === 'national' ? 'central' : 'district';
  }
}
