import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ComplianceService } from '../schedule/compliance.service';
import { checkDateRange } from '../schedule/date-range';
import { UnitsService } from '../units/units.service';
import { compliancePdf } from './compliance-pdf';
import { complianceXlsx } from './compliance-xlsx';
import { logHeader, LogLang, logWord } from './broadcast-log-words';
import { csvCell, ReportMeta } from './report-meta';
import { REPORT_STATUS_EN, REPORT_STATUS_VI } from './official/official-report';
import { OfficialReportService } from './official/official-report.service';
import { monthSummary, unitSummary } from './report-summary';

@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly compliance: ComplianceService,
    private readonly units: UnitsService,
    private readonly official: OfficialReportService,
  ) {}

  async months(actor: Actor, unitId: string, from: string, to: string, now = new Date()) {
    const unit = await this.units.get(actor, unitId);
    const { rows, summary } = await this.compliance.report(actor, unitId, from, to, now);
    const units = unitSummary(rows);
    // how a row reads to people: a period still running is "scheduled" or "in progress", not "at risk"
    const statusOf = await this.official.statusReader(rows, unit.timezone, now);
    const read = rows.map((r) => ({ ...r, reportStatus: statusOf(r) }));
    // the rows too, so a page shows the summaries and the table from one computation
    return { months: monthSummary(rows), units, unitsCompliant: units.filter((u) => u.compliant).length, summary, rows: read };
  }

  async xlsx(actor: Actor, unitId: string, from: string, to: string, lang: 'vi' | 'en' = 'vi') {
    const { meta, rows } = await this.load(actor, unitId, from, to);
    return { name: `${lang === 'en' ? 'compliance' : 'tuan-thu'}-${from}-${to}`, body: await complianceXlsx(meta, rows, lang) };
  }

  async pdf(actor: Actor, unitId: string, from: string, to: string) {
    const { meta, rows } = await this.load(actor, unitId, from, to);
    return { name: `tuan-thu-${from}-${to}`, body: await compliancePdf(meta, rows) };
  }

  /** Every entry of the unit's channels in the period, with how it was confirmed or evidenced. */
  async broadcastLog(actor: Actor, unitId: string, from: string, to: string, lang: LogLang = 'vi') {
    checkDateRange(from, to, 800);
    const unit = await this.units.get(actor, unitId);
    const rows = await this.db.query(
      `SELECT to_char(e.starts_at AT TIME ZONE u.timezone, 'DD/MM/YYYY') AS day,
              to_char(e.starts_at AT TIME ZONE u.timezone, 'DD/MM/YYYY HH24:MI:SS') AS starts_at, to_char(e.ends_at AT TIME ZONE u.timezone, 'DD/MM/YYYY HH24:MI:SS') AS ends_at, un.name AS unit, c.name AS channel, e.kind, e.priority,
              COALESCE(e.title, p.title) AS title, e.status,
              to_char(e.confirmed_at AT TIME ZONE u.timezone, 'DD/MM/YYYY HH24:MI:SS') AS confirmed_at, cu.display_name AS confirmed_by, e.missed_reason,
              to_char(e.evidenced_at AT TIME ZONE u.timezone, 'DD/MM/YYYY HH24:MI:SS') AS evidenced_at,
              e.void_reason,
              -- only devices that may evidence the entry: its channel's, reporting inside the airing
              (SELECT count(DISTINCT pe.device_id) FROM play_events pe
                WHERE pe.entry_id = e.id AND pe.type = 'play.completed' AND pe.channel_id = e.channel_id
                  AND is_evidence_time(pe.at, e.starts_at, e.ends_at)) AS devices
         FROM schedule_entries e JOIN channels c ON c.id = e.channel_id JOIN units u ON u.id = $1
         -- the unit the channel belonged to that day: before a merge, the former commune
         JOIN units un ON un.id = COALESCE((SELECT h.unit_id FROM channel_unit_history h WHERE h.channel_id = c.id AND (e.starts_at AT TIME ZONE u.timezone)::date < h.until ORDER BY h.until LIMIT 1), c.unit_id)
         LEFT JOIN programs p ON p.id = e.program_id LEFT JOIN users cu ON cu.id = e.confirmed_by
        WHERE un.path LIKE $2 AND e.starts_at >= (($3::date)::timestamp AT TIME ZONE u.timezone) AND e.starts_at < ((($4::date) + 1)::timestamp AT TIME ZONE u.timezone)
        ORDER BY un.name, un.id, e.starts_at, c.name LIMIT 500000`,
      [unit.id, `${unit.path}%`, from, to],
    );
    // grouped by commune, times in the unit's zone, words people read; the header names the zone
    const lines = rows.map((r: Record<string, unknown>) =>
      [r.day, r.starts_at, r.ends_at, r.unit, r.channel, logWord(lang, 'kind', r.kind as string), logWord(lang, 'priority', r.priority as string), r.title, logWord(lang, 'status', r.status as string), r.confirmed_at, r.confirmed_by, r.missed_reason, r.evidenced_at, r.devices, r.void_reason].map(csvCell).join(','),
    );
    const header = logHeader(lang, unit.timezone);
    return { name: `nhat-ky-phat-${from}-${to}`, body: '\uFEFF' + [header.join(','), ...lines].join('\r\n') + '\r\n' };
  }

  private async load(actor: Actor, unitId: string, from: string, to: string, now = new Date()): Promise<{ meta: ReportMeta; rows: Awaited<ReturnType<ComplianceService['report']>>['rows'] }> {
    const unit = await this.units.get(actor, unitId);
    const { rows } = await this.compliance.report(actor, unitId, from, to, now);
    const names: Array<{ id: string; name: string }> = await this.db.query(`SELECT id, name FROM units WHERE id = ANY($1)`, [[...new Set(rows.map((r) => r.unitId))]]);
    const unitNames = new Map(names.map((n) => [n.id, n.name]));
    const statusOf = await this.official.statusReader(rows, unit.timezone, now);
    // grouped by commune, then rule and period
    const byCommune = [...rows].sort((a, b) => (unitNames.get(a.unitId) ?? '').localeCompare(unitNames.get(b.unitId) ?? '', 'vi') || a.ruleName.localeCompare(b.ruleName, 'vi') || a.channelName.localeCompare(b.channelName, 'vi') || a.periodStart.localeCompare(b.periodStart));
    return {
      meta: { unitName: unit.name, from, to, generatedAt: now, timeZone: unit.timezone, unitNames, 
        statusLabel: (r) => REPORT_STATUS_VI[statusOf(r)],
        statusLabelEn: (r) => REPORT_STATUS_EN[statusOf(r)] },
      rows: byCommune,
    };
  }
}
