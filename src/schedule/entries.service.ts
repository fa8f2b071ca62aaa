import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ChannelsService } from '../channels/channels.service';
import { AppError } from '../infrastructure/http/app-error';
import { MediaService } from '../media/media.service';
import { ProgramsService } from '../programs/programs.service';
import type { CreateEntryDto, MoveEntryDto } from './dto/schedule.dto';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { MAX_ENTRY_MS } from './planner/planner';
import { withdrawMakeUps } from './missed-airings';
import { ReplanRequests } from './replan-requests';
import { ScheduleEntry } from './schedule-entry.entity';

const ENTRY_NOT_FOUND = { vi: 'mục lịch phát', en: 'schedule entry' };

/** Manual entries (relays, announcements, airings put by hand) and reading a channel's schedule. */
@Injectable()
export class EntriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ChannelsService,
    private readonly programs: ProgramsService,
    private readonly audit: AuditService,
    private readonly replan: ReplanRequests,
    private readonly media: MediaService,
  ) {}

  async create(actor: Actor, channelId: string, dto: CreateEntryDto): Promise<ScheduleEntry> {
    const channel = await this.channels.get(actor, channelId);
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= startsAt) throw AppError.field('endsAt', 'schedule', 'phải sau startsAt', 'must be after startsAt');
    checkLength(dto.kind, startsAt, endsAt);
    // loudspeakers play sound, LED boards show pictures: each entry kind belongs on one kind of channel
    if (dto.kind === 'slides' && channel.kind !== 'display') throw AppError.wrongKind('kind', 'trang chiếu chỉ xếp trên kênh bảng LED', 'slides go on LED board channels only');
    if (dto.kind !== 'slides' && channel.kind === 'display') throw AppError.wrongKind('kind', 'kênh bảng LED chỉ nhận trang chiếu (slides)', 'an LED board channel takes slides only');
    if (dto.kind === 'airing' && !dto.programId) throw AppError.field('programId', 'schedule', 'là bắt buộc với lượt phát chương trình', 'is required for an airing');
    if (dto.kind === 'relay' && !dto.streamUrl) throw AppError.field('streamUrl', 'schedule', 'là bắt buộc với tiếp âm', 'is required for a relay');
    if (dto.programId && !(await this.programs.isSchedulable(dto.programId))) throw new AppError('PROGRAM_NOT_SCHEDULABLE');
    if (dto.programId) await this.programs.get(actor, dto.programId); // readable from this actor's scope
    if (dto.kind === 'slides' && !dto.mediaAssetId) throw AppError.field('mediaAssetId', 'schedule', 'là bắt buộc với trang chiếu', 'is required for slides');
    // (an announcement may have no file: read live at a wired or FM station, confirmed by the operator)
    if (dto.mediaAssetId) {
      const asset = await this.media.get(actor, dto.mediaAssetId); // 404 outside the actor's readable units
      const fits = dto.kind === 'slides' ? ['image', 'clip', 'slide'].includes(asset.kind) : asset.kind === 'audio';
      if (!fits) throw AppError.wrongKind('mediaAssetId', dto.kind === 'slides' ? 'phải là ảnh, đoạn phim hoặc trang chữ cho bảng LED' : 'phải là tệp âm thanh', dto.kind === 'slides' ? 'must be an image, clip or slide' : 'must be an audio file');
      if (asset.status !== 'ready') throw new AppError('MEDIA_NOT_READY');
    }
    return this.db.transaction(async (tx) => {
      const row = tx.create(ScheduleEntry, {
        channelId: channel.id,
        kind: dto.kind,
        priority: dto.priority ?? (dto.kind === 'emergency' ? 'emergency' : 'normal'),
        status: 'scheduled',
        source: 'manual',
        title: dto.title ?? null,
        programId: dto.programId ?? null,
        mediaAssetId: dto.mediaAssetId ?? null,
        streamUrl: dto.streamUrl ?? null,
        startsAt,
        endsAt,
        createdBy: actor.id,
      });
      const saved = await tx.save(ScheduleEntry, row).catch((err: { code?: string }) => {
        if (err.code === '23P01') throw new AppError('SCHEDULE_CONFLICT');
        throw err;
      });
      await this.audit.record(tx, actor, { action: 'schedule.create', entityType: 'schedule', entityId: saved.id, unitPath: channel.unitPath, changes: { after: saved } });
      if (saved.priority === 'emergency') {
        // An emergency pre-empts what it overlaps; the rules' airings are placed again elsewhere.
        const preempted = returnedRows<{ id: string }>(
          await tx.query(
            `UPDATE schedule_entries SET status = 'cancelled', updated_at = now()
              WHERE channel_id = $1 AND id <> $2 AND status = 'scheduled' AND priority <> 'emergency'
                AND tstzrange(starts_at, ends_at) && tstzrange($3, $4) RETURNING id`,
            [channel.id, saved.id, startsAt, endsAt],
          ),
        );
        if (preempted.length) {
          await this.audit.record(tx, actor, { action: 'schedule.preempt', entityType: 'schedule', entityId: saved.id, unitPath: channel.unitPath, changes: { cancelled: preempted.map((p) => p.id) } });
          await this.replan.request(tx, channel.unitId, 'emergency');
        }
      }
      return saved;
    });
  }

  /** The channel's entries in [from, to), each with its program's title (what a calendar shows). */
  async list(actor: Actor, channelId: string, from: Date, to: Date): Promise<Array<ScheduleEntry & { programTitle: string | null }>> {
    const channel = await this.channels.get(actor, channelId);
    const { entities, raw } = await this.db
      .getRepository(ScheduleEntry)
      .createQueryBuilder('e')
      .leftJoin('programs', 'p', 'p.id = e.programId')
      .addSelect('p.title', 'program_title')
      .where('e.channelId = :id', { id: channel.id })
      .andWhere('e.startsAt < :to AND e.endsAt > :from', { from, to })
      .andWhere(`e.status <> 'cancelled'`)
      .orderBy('e.startsAt')
      .getRawAndEntities();
    const titles = new Map<string, string | null>(raw.map((r: { e_id: string; program_title: string | null }) => [r.e_id, r.program_title]));
    return entities.map((e) => Object.assign(e, { programTitle: titles.get(e.id) ?? null }));
  }

  /**
   * What a commune that was offline has to catch up on: entries of its loudspeakers that started in
   * the last `days` days, are still "scheduled" and no device reported — oldest first.
   */
  async unconfirmed(actor: Actor, days: number, now = new Date()): Promise<Array<{ id: string; channelId: string; channelName: string; kind: string; priority: string; title: string | null; startsAt: Date; endsAt: Date }>> {
    return this.db.query(
      `SELECT e.id, e.channel_id AS "channelId", c.name AS "channelName", e.kind, e.priority, COALESCE(e.title, p.title) AS title, e.starts_at AS "startsAt", e.ends_at AS "endsAt"
         FROM schedule_entries e JOIN channels c ON c.id = e.channel_id JOIN units u ON u.id = c.unit_id LEFT JOIN programs p ON p.id = e.program_id
        WHERE u.path LIKE $1 AND c.kind = 'audio' AND e.status = 'scheduled' AND e.evidenced_at IS NULL
          AND e.starts_at >= $2 AND e.starts_at < $3
        ORDER BY e.starts_at, c.name LIMIT 500`,
      [`${actor.pathPrefix}%`, new Date(now.getTime() - days * 86_400_000), now],
    );
  }

  /** The operator says whether an entry was broadcast; confirmations count as evidence. */
  async confirm(actor: Actor, id: string, outcome: 'aired' | 'missed', reason: string | undefined, now = new Date()): Promise<ScheduleEntry> {
    if (outcome === 'missed' && !reason) throw AppError.field('reason', 'schedule', 'cần nêu lý do không phát được', 'is required when missed');
    return this.db.transaction(async (tx) => {
      const { entry, channel } = await this.lockForChange(tx, actor, id);
      if (entry.status === 'cancelled' || entry.status === 'voided') throw new AppError('ENTRY_STATE', { status: entry.status === 'cancelled' ? 'đã hủy' : 'đã hủy bỏ' });
      if (entry.startsAt > now) throw new AppError('ENTRY_NOT_STARTED');
      await tx.update(ScheduleEntry, { id }, { status: outcome, confirmedBy: actor.id, confirmedAt: now, missedReason: outcome === 'missed' ? reason! : null });
      const after = await tx.findOneByOrFail(ScheduleEntry, { id });
      await this.audit.record(tx, actor, { action: `schedule.confirm.${outcome}`, entityType: 'schedule', entityId: id, unitPath: channel.unitPath, changes: { before: entry, after } });
      // A missed airing is made up in the next free slot of its period, while the rule can still be met.
      if (outcome === 'missed' && entry.programId) await this.replan.request(tx, channel.unitId, 'airing missed');
      // "It did air after all": its make-up is withdrawn if it has not started.
      if (outcome === 'aired' && entry.status === 'missed') {
        const withdrawn = await withdrawMakeUps(tx, id, now);
        if (withdrawn.length) await this.audit.record(tx, actor, { action: 'schedule.missed.withdrawn', entityType: 'schedule', entityId: id, unitPath: channel.unitPath, changes: { makeUpsCancelled: withdrawn } });
      }
      return after;
    });
  }

  /** Moves a scheduled entry that has not started; devices get the new time with their next playlist. */
  async move(actor: Actor, id: string, dto: MoveEntryDto, now = new Date()): Promise<ScheduleEntry> {
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= startsAt) throw AppError.field('endsAt', 'schedule', 'phải sau startsAt', 'must be after startsAt');
    if (startsAt < now) throw AppError.field('startsAt', 'schedule', 'không được ở trong quá khứ', 'must not be in the past');
    return this.db.transaction(async (tx) => {
      const { entry, channel } = await this.lockForChange(tx, actor, id);
      if (entry.status === 'cancelled') throw new AppError('ENTRY_STATE', { status: 'đã hủy' });
      checkLength(entry.kind, startsAt, endsAt);
      assertNotHistory(entry, now);
      await tx.update(ScheduleEntry, { id }, { startsAt, endsAt }).catch((err: { code?: string }) => {
        if (err.code === '23P01') throw new AppError('SCHEDULE_CONFLICT');
        throw err;
      });
      const after = await tx.findOneByOrFail(ScheduleEntry, { id });
      await this.audit.record(tx, actor, { action: 'schedule.move', entityType: 'schedule', entityId: id, unitPath: channel.unitPath, changes: { before: entry, after } });
      return after;
    });
  }

  /** Cancels an entry still to come; what has started, or was confirmed or reported, is history. */
  async cancel(actor: Actor, id: string, now = new Date()): Promise<ScheduleEntry> {
    return this.db.transaction(async (tx) => {
      const { entry, channel } = await this.lockForChange(tx, actor, id);
      if (entry.status === 'cancelled') return entry;
      assertNotHistory(entry, now);
      await tx.update(ScheduleEntry, { id }, { status: 'cancelled' });
      const after = await tx.findOneByOrFail(ScheduleEntry, { id });
      await this.audit.record(tx, actor, { action: 'schedule.cancel', entityType: 'schedule', entityId: id, unitPath: channel.unitPath, changes: { before: entry, after } });
      return after;
    });
  }

  /**
   * Corrects the record of an entry that is history (started, confirmed or reported): the row stays,
   * marked `voided` with the reason, who and when; compliance no longer counts it, reports show it.
   */
  async void(actor: Actor, id: string, reason: string, now = new Date()): Promise<ScheduleEntry> {
    return this.db.transaction(async (tx) => {
      const { entry, channel } = await this.lockForChange(tx, actor, id);
      if (entry.status === 'cancelled' || entry.status === 'voided') throw new AppError('ENTRY_STATE', { status: entry.status === 'cancelled' ? 'đã hủy' : 'đã hủy bỏ' });
      if (entry.startsAt > now && entry.status === 'scheduled' && !entry.evidencedAt) throw new AppError('ENTRY_NOT_STARTED');
      await tx.update(ScheduleEntry, { id }, { status: 'voided', statusBeforeVoid: entry.status, voidReason: reason, voidedBy: actor.id, voidedAt: now });
      const after = await tx.findOneByOrFail(ScheduleEntry, { id });
      await this.audit.record(tx, actor, { action: 'schedule.void', entityType: 'schedule', entityId: id, unitPath: channel.unitPath, changes: { before: entry, after, reason } });
      // what the voided airing counted for is missing again: made up while the period allows
      if (entry.programId) await this.replan.request(tx, channel.unitId, 'airing voided');
      return after;
    });
  }

  /** The entry locked for this transaction, with its channel; one outside the actor's scope is not found. */
  private async lockForChange(tx: EntityManager, actor: Actor, id: string) {
    await tx.query('SELECT 1 FROM schedule_entries WHERE id = $1 FOR UPDATE', [id]);
    const entry = await tx.findOneBy(ScheduleEntry, { id });
    if (!entry) throw AppError.notFound(ENTRY_NOT_FOUND);
    const channel = await this.channels.get(actor, entry.channelId, tx).catch(() => {
      throw AppError.notFound(ENTRY_NOT_FOUND);
    });
    return { entry, channel };
  }
}

/** Slides on an LED board may run for days (a campaign's board); what plays on loudspeakers lasts at most a day. */
const MAX_SLIDES_MS = 92 * 86_400_000;

function checkLength(kind: ScheduleEntry['kind'], startsAt: Date, endsAt: Date): void {
  const ms = endsAt.getTime() - startsAt.getTime();
  if (kind === 'slides' ? ms > MAX_SLIDES_MS : ms > MAX_ENTRY_MS) {
    throw AppError.field('endsAt', 'schedule', kind === 'slides' ? 'trang chiếu dài tối đa 92 ngày' : 'một mục lịch phát dài tối đa 24 giờ', kind === 'slides' ? 'slides last at most 92 days' : 'an entry lasts at most 24 hours');
  }
}

/** An entry that has started, or was confirmed or reported by a device, is broadcast history. */
function assertNotHistory(entry: ScheduleEntry, now: Date): void {
  const [state, stateEn] =
    entry.status === 'voided' ? ['bị hủy bỏ', 'been voided']
    : entry.status === 'aired' || entry.status === 'missed' ? ['được xác nhận', 'been confirmed']
    : entry.evidencedAt ? ['được thiết bị báo phát', 'been reported by a device']
    : entry.startsAt <= now ? ['bắt đầu', 'started']
    : [null, null];
  if (state) throw new AppError('ENTRY_HISTORY', { state, stateEn });
}
