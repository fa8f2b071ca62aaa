import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { minutesOf } from '../schedule/planner/local-time';
import { ReplanRequests } from '../schedule/replan-requests';
import { UnitsService } from '../units/units.service';
import { Channel } from './channel.entity';
import type { CreateChannelDto, UpdateChannelDto, WindowDto } from './dto/channel.dto';

const CHANNEL_NOT_FOUND = { vi: 'kênh phát', en: 'channel' };

@Injectable()
export class ChannelsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsService,
    private readonly audit: AuditService,
    private readonly replan: ReplanRequests,
  ) {}

  /** A channel in the actor's subtree, with its unit's path and time zone. */
  async get(actor: Actor, id: string, tx: EntityManager = this.db.manager): Promise<Channel & { unitPath: string; timezone: string }> {
    const rows = await tx
      .getRepository(Channel)
      .createQueryBuilder('c')
      .innerJoin('units', 'u', 'u.id = c.unitId')
      .addSelect(['u.path AS unit_path', 'u.timezone AS unit_tz'])
      .where('c.id = :id', { id })
      .andWhere('u.path LIKE :prefix', { prefix: `${actor.pathPrefix}%` })
      .getRawAndEntities();
    if (!rows.entities[0]) throw AppError.notFound(CHANNEL_NOT_FOUND);
    return Object.assign(rows.entities[0], { unitPath: rows.raw[0].unit_path as string, timezone: rows.raw[0].unit_tz as string });
  }

  async list(actor: Actor, unitId?: string): Promise<Channel[]> {
    const prefix = unitId ? (await this.units.get(actor, unitId)).path : actor.pathPrefix;
    return this.db.getRepository(Channel).createQueryBuilder('c').innerJoin('units', 'u', 'u.id = c.unitId').where('u.path LIKE :prefix', { prefix: `${prefix}%` }).orderBy('c.name').getMany();
  }

  async create(actor: Actor, dto: CreateChannelDto): Promise<Channel> {
    checkWindows(dto.windows);
    const unit = await this.units.get(actor, dto.unitId);
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(Channel, tx.create(Channel, { ...dto, unitId: unit.id, daysOff: dto.daysOff ?? [], maxSessionMinutes: dto.maxSessionMinutes ?? null, maxDailyMinutes: dto.maxDailyMinutes ?? null }));
      await this.audit.record(tx, actor, { action: 'channel.create', entityType: 'channel', entityId: saved.id, unitPath: unit.path, changes: { after: saved } });
      return saved;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateChannelDto): Promise<Channel> {
    if (dto.windows) checkWindows(dto.windows);
    return this.db.transaction(async (tx) => {
      const { unitPath, timezone: _tz, ...before } = await this.get(actor, id, tx);
      await tx.update(Channel, { id }, dto);
      const after = await tx.findOneByOrFail(Channel, { id });
      if (dto.windows || dto.daysOff || dto.maxSessionMinutes !== undefined || dto.maxDailyMinutes !== undefined) {
        // The planner's future airings may no longer fit: take them back and plan again.
        await tx.query(`UPDATE schedule_entries SET status = 'cancelled', updated_at = now() WHERE channel_id = $1 AND source = 'planner' AND status = 'scheduled' AND starts_at > now()`, [id]);
        await this.replan.request(tx, after.unitId, 'channel windows changed');
      }
      await this.audit.record(tx, actor, { action: 'channel.update', entityType: 'channel', entityId: id, unitPath, changes: { before, after } });
      return after;
    });
  }
}

function checkWindows(windows: WindowDto[]): void {
  const bad = windows.findIndex((w) => minutesOf(w.end) <= minutesOf(w.start));
  if (bad >= 0) {
    throw AppError.field(`windows.${bad}`, 'windowOrder', 'giờ kết thúc phải sau giờ bắt đầu', 'end must be after start');
  }
}
