import type { ComplianceRow } from '../schedule/compliance';

export const STATUS_VI: Record<string, string> = { ok: 'Đạt', at_risk: 'Có nguy cơ', violated: 'Không đạt' };

/** One month of a report: channel × rule rows by status, and the units (communes) meeting every rule. */
export interface MonthSummary {
  month: string;
  rows: number;
  ok: number;
  atRisk: number;
  violated: number;
  /** Share of rows met. */
  share: number;
  /** Units with at least one row that month, and those whose every row is met. */
  units: number;
  unitsOk: number;
  unitShare: number;
}

/** One unit over the whole report. */
export interface UnitSummary {
  unitId: string;
  rows: number;
  ok: number;
  share: number;
  /** Every row of the unit in the period is met. */
  compliant: boolean;
}

/** Rows are counted in the month their period starts (a quarter counts in its first month). */
export function monthSummary(rows: ComplianceRow[]): MonthSummary[] {
  const by = new Map<string, ComplianceRow[]>();
  for (const r of rows) {
    const m = r.periodStart.slice(0, 7);
    by.set(m, [...(by.get(m) ?? []), r]);
  }
  return [...by]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, list]) => {
      const units = unitSummary(list);
      const ok = list.filter((r) => r.status === 'ok').length;
      const unitsOk = units.filter((u) => u.compliant).length;
      return {
        month,
        rows: list.length,
        ok,
        atRisk: list.filter((r) => r.status === 'at_risk').length,
        violated: list.filter((r) => r.status === 'violated').length,
        share: list.length ? ok / list.length : 0,
        units: units.length,
        unitsOk,
        unitShare: units.length ? unitsOk / units.length : 0,
      };
    });
}

export function unitSummary(rows: ComplianceRow[]): UnitSummary[] {
  const by = new Map<string, { rows: number; ok: number }>();
  for (const r of rows) {
    const u = by.get(r.unitId) ?? { rows: 0, ok: 0 };
    u.rows++;
    if (r.status === 'ok') u.ok++;
    by.set(r.unitId, u);
  }
  return [...by].map(([unitId, u]) => ({ unitId, ...u, share: u.ok / u.rows, compliant: u.ok === u.rows }));
}

/** "2026-03" → "Tháng 3/2026" */
export const monthLabelVi = (month: string) => `Tháng ${Number(month.slice(5, 7))}/${month.slice(0, 4)}`;

/** Units in the order people look them up: by name, as Vietnamese sorts. */
export const byName = (units: UnitSummary[], names: Map<string, string>) =>
  [...units].sort((a, b) => (names.get(a.unitId) ?? a.unitId).localeCompare(names.get(b.unitId) ?? b.unitId, 'vi'));
