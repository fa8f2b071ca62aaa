import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { requestStore } from '../infrastructure/http/request-store';
import { AuditEntry } from './audit-entry.entity';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** Path of the unit the change belongs to; null for national-level changes. */
  unitPath: string | null;
  changes?: Record<string, unknown>;
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  before?: string;
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Writes the entry in the caller's transaction, so a change and its audit line commit together. */
  async record(manager: EntityManager, actor: Actor, record: AuditRecord): Promise<void> {
    await manager.insert(AuditEntry, {
      actorId: actor.id === '00000000-0000-0000-0000-000000000000' ? null : actor.id,
      actorName: actor.username,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId ?? null,
      unitPath: record.unitPath,
      changes: (record.changes ?? null) as never,
      requestId: requestStore.getStore()?.requestId ?? null,
    });
  }

  /** Newest first, limited to entries of units inside the actor's subtree. */
  async list(actor: Actor, q: AuditQuery): Promise<AuditEntry[]> {
    const qb = this.db.getRepository(AuditEntry).createQueryBuilder('a').orderBy('a.id', 'DESC').limit(q.limit);
    if (!actor.isNational) qb.andWhere('a.unitPath LIKE :prefix', { prefix: `${actor.pathPrefix}%` });
    if (q.entityType) qb.andWhere('a.entityType = :entityType', { entityType: q.entityType });
    if (q.entityId) qb.andWhere('a.entityId = :entityId', { entityId: q.entityId });
    if (q.from) qb.andWhere('a.at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.at < :to', { to: q.to });
    if (q.before) qb.andWhere('a.id < :before', { before: q.before });
    return qb.getMany();
  }
}
