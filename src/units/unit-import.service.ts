import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { renderMessage } from '../infrastructure/http/error-catalog';
import { CsvFormatError, parseUnitCsv, RowRejection, UnitCsvRow } from './unit-csv';
import { Unit } from './unit.entity';
import { UnitsService } from './units.service';

export interface UnitImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: RowRejection[];
}

class DryRunRollback extends Error {}

export const MAX_ROWS = 20_000;

/**
 * Imports units from CSV (code, name, kind, parent code[, timezone]). Rows may come in any order;
 * a row whose parent is unknown, rejected or outside the importer's scope is rejected with its
 * line number, and the others are written in one transaction (all of them or, on failure, none).
 * A code that already exists updates that unit (rename, re-level, move).
 */
@Injectable()
export class UnitImportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsService,
    private readonly audit: AuditService,
  ) {}

  async import(actor: Actor, csv: string, dryRun = false): Promise<UnitImportReport> {
    let parsed: ReturnType<typeof parseUnitCsv>;
    try {
      parsed = parseUnitCsv(csv);
    } catch (err) {
      if (err instanceof CsvFormatError) throw new AppError('INVALID_CSV', { reason: err.message });
      throw err;
    }
    // a country is about 11,000 units: one file, one transaction; more is refused with the limit named
    if (parsed.rows.length + parsed.rejected.length > MAX_ROWS) throw new AppError('INVALID_CSV', { reason: `tối đa ${MAX_ROWS.toLocaleString('vi-VN')} dòng mỗi lần (tệp có ${(parsed.rows.length + parsed.rejected.length).toLocaleString('vi-VN')}); hãy chia tệp / at most ${MAX_ROWS} rows at once` });
    const report: UnitImportReport = { dryRun, created: 0, updated: 0, unchanged: 0, rejected: [...parsed.rejected] };
    const reject = (row: UnitCsvRow, reason: string, message: string) => report.rejected.push({ line: row.line, code: row.code, reason, message });

    const rows = this.dropDuplicates(parsed.rows, reject);
    try {
      await this.db.transaction(async (tx) => {
        const existing = new Map(
          (await tx.getRepository(Unit).createQueryBuilder('u').where('u.code = ANY(:codes)', { codes: [...new Set(rows.flatMap((r) => (r.parentCode ? [r.code, r.parentCode] : [r.code])))] }).getMany()).map((u) => [u.code, u]),
        );
        // Codes refused while parsing: rows below them are refused too.
        const kept = new Set(rows.map((r) => r.code));
        const failed = new Set(parsed.rejected.map((r) => r.code).filter((c): c is string => c !== null && !kept.has(c)));
        for (const row of this.parentsFirst(rows, existing, failed, reject)) {
          if (row.parentCode && failed.has(row.parentCode)) {
            failed.add(row.code);
            reject(row, 'parentRejected', `Dòng ${row.line}: đơn vị cấp trên ${row.parentCode} bị từ chối nên dòng này cũng bị từ chối`);
            continue;
          }
          const outcome = await this.applyRow(tx, actor, row, existing).catch((err: unknown) => {
            if (!(err instanceof AppError)) throw err;
            failed.add(row.code);
            reject(row, err.code, `Dòng ${row.line}: ${renderMessage(err.code, 'vi', flatten(err.params))}`);
            return null;
          });
          if (outcome) report[outcome] += 1;
        }
        if (dryRun) throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    report.rejected.sort((a, b) => a.line - b.line);
    return report;
  }

  /** One row in its own savepoint, so a refused row leaves the rest of the import intact. */
  private async applyRow(tx: EntityManager, actor: Actor, row: UnitCsvRow, existing: Map<string, Unit>): Promise<'created' | 'updated' | 'unchanged'> {
    const parent = row.parentCode ? existing.get(row.parentCode) : undefined;
    const current = existing.get(row.code);
    await tx.query('SAVEPOINT unit_row');
    try {
      let outcome: 'created' | 'updated' | 'unchanged';
      if (!current) {
        const unit = await this.units.insert(tx, actor, { code: row.code, name: row.name, kind: row.kind, parentId: parent?.id ?? null, timezone: row.timezone });
        await this.audit.record(tx, actor, { action: 'unit.create', entityType: 'unit', entityId: unit.id, unitPath: unit.path, changes: { after: unit, source: 'csv', line: row.line } });
        existing.set(row.code, unit);
        outcome = 'created';
      } else {
        if (!actor.covers(current.path)) throw AppError.notFound({ vi: `đơn vị ${row.code} trong phạm vi của bạn`, en: `unit ${row.code} in your scope` });
        const wanted = { name: row.name, kind: row.kind, parentId: parent?.id ?? null, timezone: row.timezone ?? current.timezone };
        const same = current.name === wanted.name && current.kind === wanted.kind && current.parentId === wanted.parentId && current.timezone === wanted.timezone;
        if (same) {
          outcome = 'unchanged';
        } else {
          const unit = await this.units.change(tx, actor, current, wanted);
          await this.audit.record(tx, actor, { action: 'unit.update', entityType: 'unit', entityId: unit.id, unitPath: unit.path, changes: { before: current, after: unit, source: 'csv', line: row.line } });
          await this.refreshPaths(tx, existing);
          outcome = 'updated';
        }
      }
      await tx.query('RELEASE SAVEPOINT unit_row');
      return outcome;
    } catch (err) {
      await tx.query('ROLLBACK TO SAVEPOINT unit_row');
      throw err;
    }
  }

  private dropDuplicates(rows: UnitCsvRow[], reject: (row: UnitCsvRow, reason: string, message: string) => void): UnitCsvRow[] {
    const seen = new Map<string, number>();
    return rows.filter((row) => {
      const first = seen.get(row.code);
      if (first !== undefined) {
        reject(row, 'duplicateInFile', `Dòng ${row.line}: mã ${row.code} đã xuất hiện ở dòng ${first}`);
        return false;
      }
      seen.set(row.code, row.line);
      return true;
    });
  }

  /** Orders rows so each comes after the row that creates its parent; rows whose parent is
   *  nowhere, or that form a cycle, are rejected. */
  private parentsFirst(
    rows: UnitCsvRow[],
    existing: Map<string, Unit>,
    failed: Set<string>,
    reject: (row: UnitCsvRow, reason: string, message: string) => void,
  ): UnitCsvRow[] {
    const inFile = new Map(rows.map((r) => [r.code, r]));
    const ordered: UnitCsvRow[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const refused = new Set<UnitCsvRow>();
    const visit = (row: UnitCsvRow): void => {
      if (state.has(row.code)) return;
      state.set(row.code, 'visiting');
      const parentRow = row.parentCode ? inFile.get(row.parentCode) : undefined;
      if (row.parentCode && !parentRow && !existing.has(row.parentCode) && !failed.has(row.parentCode)) {
        failed.add(row.code);
        refused.add(row);
        reject(row, 'parentUnknown', `Dòng ${row.line}: không có đơn vị cấp trên mã ${row.parentCode}`);
      } else if (parentRow) {
        if (state.get(parentRow.code) === 'visiting') {
          failed.add(row.code);
          refused.add(row);
          reject(row, 'cycle', `Dòng ${row.line}: mã cấp trên tạo thành vòng lặp (${row.code} → ${row.parentCode})`);
        } else {
          visit(parentRow);
        }
      }
      state.set(row.code, 'done');
      ordered.push(row);
    };
    rows.forEach(visit);
    return ordered.filter((r) => !refused.has(r));
  }

  /** A move rewrites the paths of a whole subtree; refresh the cached rows we hold. */
  private async refreshPaths(tx: EntityManager, existing: Map<string, Unit>): Promise<void> {
    const fresh = await tx.findBy(Unit, { code: In([...existing.keys()]) });
    for (const u of fresh) existing.set(u.code, u);
  }
}

function flatten(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v && typeof v === 'object' && 'vi' in v ? (v as { vi: string }).vi : v]));
}
