import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { returnedRows } from '../infrastructure/database/returned-rows';
import { MediaService } from '../media/media.service';
import { ReplanRequests } from '../schedule/replan-requests';
import { FOLD } from '../infrastructure/database/fold-vietnamese';
import { UnitsService } from '../units/units.service';
import type { CreateProgramDto, ListProgramsQuery, UpdateProgramDto } from './dto/program.dto';
import { Program, ProgramStatus } from './program.entity';

const PROGRAM_NOT_FOUND = { vi: 'chương trình', en: 'program' };
const STATUS_VI: Record<ProgramStatus, string> = { draft: 'nháp', submitted: 'chờ duyệt', approved: 'đã duyệt', retired: 'ngừng phát' };
const ACTION_VI = { edit: 'sửa', submit: 'gửi duyệt', approve: 'duyệt', reject: 'trả lại', retire: 'ngừng phát' } as const;

/** Programs go draft → submitted → approved (by someone else) → retired; only an approved
 *  program whose audio is ready can be scheduled. */
@Injectable()
export class ProgramsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsService,
    private readonly media: MediaService,
    private readonly audit: AuditService,
    private readonly replan: ReplanRequests,
  ) {}

  /** A program the actor may read (`write`: one inside their subtree, which they may change). */
  async get(actor: Actor, id: string, tx: EntityManager = this.db.manager, access: 'read' | 'write' = 'read'): Promise<Program & { unitPath: string }> {
    const readable = actor.readableUnitsSql('u');
    const row = await tx
      .getRepository(Program)
      .createQueryBuilder('p')
      .innerJoin('units', 'u', 'u.id = p.unitId')
      .addSelect('u.path', 'unit_path')
      .where('p.id = :id', { id })
      .andWhere(access === 'write' ? 'u.path LIKE :scopePrefix' : readable.sql, readable.params)
      .getRawAndEntities();
    if (!row.entities[0]) throw AppError.notFound(PROGRAM_NOT_FOUND);
    return Object.assign(row.entities[0], { unitPath: row.raw[0].unit_path as string });
  }

  async list(actor: Actor, q: ListProgramsQuery): Promise<{ items: Program[]; total: number }> {
    const readable = actor.readableUnitsSql('u');
    const qb = this.db.getRepository(Program).createQueryBuilder('p').innerJoin('units', 'u', 'u.id = p.unitId').where(readable.sql, readable.params);
    if (q.status) qb.andWhere('p.status = :status', { status: q.status });
    if (q.tag) qb.andWhere(':tag = ANY(p.tags)', { tag: q.tag });
    if (q.seriesId) qb.andWhere('p.seriesId = :seriesId', { seriesId: q.seriesId });
    if (q.q?.trim()) qb.andWhere(`strpos(${FOLD('p.title')}, ${FOLD(':q')}) > 0`, { q: q.q.trim() });
    const [items, total] = await qb.orderBy('p.createdAt', 'DESC').take(q.limit ?? 50).skip(q.offset ?? 0).getManyAndCount();
    return { items, total };
  }

  async create(actor: Actor, dto: CreateProgramDto): Promise<Program> {
    const asset = await this.audioAsset(actor, dto.audioAssetId);
    const unit = await this.units.get(actor, dto.unitId ?? asset.unitId);
    this.checkPeriod(dto.periodStart, dto.periodEnd);
    if (dto.seriesId) {
      // a program joins a series of its own unit or of a unit above it, never another subtree's
      const [series] = await this.db.query(`SELECT u.path FROM series s JOIN units u ON u.id = s.unit_id WHERE s.id = $1`, [dto.seriesId]);
      if (!series || !unit.path.startsWith(series.path)) throw AppError.field('seriesId', 'seriesOutOfReach', 'không phải chuyên mục của đơn vị này hoặc của cấp trên', 'is not a series of this unit or of a unit above it');
    }
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(Program, tx.create(Program, {
        unitId: unit.id,
        title: dto.title.trim(),
        description: dto.description ?? null,
        seriesId: dto.seriesId ?? null,
        periodStart: dto.periodStart ?? null,
        periodEnd: dto.periodEnd ?? null,
        tags: [...new Set(dto.tags ?? [])],
        language: dto.language ?? 'vi',
        priority: dto.priority ?? 'normal',
        audioAssetId: asset.id,
        status: 'draft',
        createdBy: actor.id,
      }));
      await this.audit.record(tx, actor, { action: 'program.create', entityType: 'program', entityId: saved.id, unitPath: unit.path, changes: { after: saved } });
      return saved;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateProgramDto): Promise<Program> {
    return this.transition(actor, id, 'edit', ['draft'], async (tx, before) => {
      if (dto.audioAssetId) await this.audioAsset(actor, dto.audioAssetId);
      this.checkPeriod(dto.periodStart ?? before.periodStart ?? undefined, dto.periodEnd ?? before.periodEnd ?? undefined);
      await tx.update(Program, { id }, { ...dto, ...(dto.tags ? { tags: [...new Set(dto.tags)] } : {}) });
    });
  }

  /** A program is heard on loudspeakers: its audio must be an audio asset, not a slide or an image. */
  private async audioAsset(actor: Actor, id: string) {
    const asset = await this.media.get(actor, id);
    if (asset.kind !== 'audio') throw AppError.wrongKind('audioAssetId', 'phải là tệp âm thanh, không phải ảnh, đoạn phim hay trang chữ cho bảng LED', 'must be an audio file, not an image, clip or LED slide');
    return asset;
  }

  submit(actor: Actor, id: string): Promise<Program> {
    return this.transition(actor, id, 'submit', ['draft'], async (tx) => {
      await tx.update(Program, { id }, { status: 'submitted', submittedBy: actor.id, reviewNote: null });
    });
  }

  /** Four eyes: the approver is an editor or admin other than the creator; the audio must be ready. */
  approve(actor: Actor, id: string): Promise<Program> {
    return this.transition(actor, id, 'approve', ['submitted'], async (tx, before) => {
      if (before.createdBy === actor.id) throw new AppError('FOUR_EYES');
      const asset = await this.media.get(actor, before.audioAssetId);
      if (asset.status !== 'ready') throw new AppError('MEDIA_NOT_READY');
      await tx.update(Program, { id }, { status: 'approved', approvedBy: actor.id, approvedAt: new Date() });
      // where the schedule is already planned, plan again: a rule that wants a new item each period
      // takes the new program (requests coalesce per unit; nothing is planned where nobody planned yet)
      const [planned] = await tx.query(
        `SELECT 1 FROM schedule_entries e JOIN channels c ON c.id = e.channel_id JOIN units u ON u.id = c.unit_id JOIN units pu ON pu.id = $1
          WHERE e.source = 'planner' AND e.status = 'scheduled' AND e.starts_at > now() AND u.path LIKE pu.path || '%' LIMIT 1`,
        [before.unitId],
      );
      if (planned) await this.replan.request(tx, before.unitId, 'program approved');
    });
  }

  /** Sends a submitted program back to draft for changes, saying what to change. */
  reject(actor: Actor, id: string, reason: string): Promise<Program> {
    return this.transition(actor, id, 'reject', ['submitted'], async (tx) => {
      await tx.update(Program, { id }, { status: 'draft', submittedBy: null, reviewNote: reason.trim(), reviewedBy: actor.id, reviewedAt: new Date() });
    });
  }

  /** Withdrawn: its future airings are cancelled and the channels that had them planned again. */
  retire(actor: Actor, id: string): Promise<Program> {
    return this.transition(actor, id, 'retire', ['draft', 'submitted', 'approved'], async (tx) => {
      await tx.update(Program, { id }, { status: 'retired', retiredAt: new Date() });
      const units: Array<{ unit_id: string }> = returnedRows(
        await tx.query(
          `UPDATE schedule_entries e SET status = 'cancelled', updated_at = now() FROM channels c
            WHERE e.channel_id = c.id AND e.program_id = $1 AND e.status = 'scheduled' AND e.starts_at > now()
          RETURNING c.unit_id`,
          [id],
        ),
      );
      for (const unitId of new Set(units.map((u) => u.unit_id))) await this.replan.request(tx, unitId, 'program retired');
    });
  }

  /** True when the program may be placed in a schedule. */
  async isSchedulable(programId: string, tx: EntityManager = this.db.manager): Promise<boolean> {
    const [row] = await tx.query(
      `SELECT 1 FROM programs p JOIN media_assets m ON m.id = p.audio_asset_id WHERE p.id = $1 AND p.status = 'approved' AND m.status = 'ready'`,
      [programId],
    );
    return !!row;
  }

  private async transition(
    actor: Actor,
    id: string,
    action: keyof typeof ACTION_VI,
    from: ProgramStatus[],
    apply: (tx: EntityManager, before: Program) => Promise<void>,
  ): Promise<Program> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM programs WHERE id = $1 FOR UPDATE', [id]);
      const before = await this.get(actor, id, tx, 'write');
      if (!from.includes(before.status)) throw new AppError('PROGRAM_STATE', { action: ACTION_VI[action], status: STATUS_VI[before.status] });
      await apply(tx, before);
      const after = await tx.findOneByOrFail(Program, { id });
      const { unitPath, ...plain } = before;
      await this.audit.record(tx, actor, { action: `program.${action}`, entityType: 'program', entityId: id, unitPath, changes: { before: plain, after } });
      return after;
    });
  }

  private checkPeriod(start?: string, end?: string): void {
    if (start && end && end < start) {
      throw AppError.field('periodEnd', 'periodOrder', 'phải sau hoặc bằng periodStart', 'must not be before periodStart');
    }
  }
}
