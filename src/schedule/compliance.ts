import { PeriodInstance } from './planner/rule-definition';

export type ComplianceStatus = 'ok' | 'at_risk' | 'violated';

export interface ComplianceCounts {
  /** Programs with at least minAiringsPerProgram airings planned (scheduled or aired). */
  plannedPrograms: number;
  plannedAirings: number;
  /** Programs with at least minAiringsPerProgram airings evidenced. */
  evidencedPrograms: number;
  evidencedAirings: number;
  /** Distinct programs aired or planned at all (for maximum quotas). */
  distinctPrograms: number;
}

/**
 * The status of one rule × channel × period, given `now`: met by evidence → ok; over the maximum,
 * or the period is over and not met → violated; otherwise at risk when even the plan falls short
 * (or nothing is evidenced yet), ok only once evidence meets it.
 */
export function complianceStatus(minPrograms: number, maxPrograms: number | undefined, counts: ComplianceCounts, periodEnd: Date, now: Date): ComplianceStatus {
  if (maxPrograms !== undefined && counts.distinctPrograms > maxPrograms) return 'violated';
  if (counts.evidencedPrograms >= minPrograms) return 'ok';
  if (now >= periodEnd) return 'violated';
  return 'at_risk';
}

export interface EvidenceLevels {
  acoustic: number;
  notHeard: number;
  reported: number;
  confirmed: number;
}

export interface ComplianceRow {
  ruleId: string;
  ruleName: string;
  channelId: string;
  channelName: string;
  unitId: string;
  period: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  required: { programs: number; maxPrograms: number | null; airingsPerProgram: number };
  planned: { programs: number; airings: number };
  evidenced: { programs: number; airings: number };
  /**
   * Airings by evidence level, each in one: verified acoustically (its monitor heard it), reported
   * by the player but not heard by its monitor, reported by the player (no monitor verdict),
   * confirmed by an operator. Loudspeaker rows only.
   */
  levels?: EvidenceLevels;
  status: ComplianceStatus;
  /** Planned, but not enough to meet the rule even if everything airs. */
  planShort: boolean;
  /** A display rule's row (LED boards): minutes of its daily windows instead of programs × airings. */
  medium?: 'display';
  minutes?: { required: number; planned: number; evidenced: number };
}

/** How a row's requirement, plan and evidence read in a report: "1 × 4", "1 / 4", "4 / 4" — or minutes on a board. */
export function complianceCells(r: ComplianceRow): { required: string; planned: string; evidenced: string } {
  if (r.minutes) return { required: `${r.minutes.required} phút`, planned: `${r.minutes.planned} phút`, evidenced: `${r.minutes.evidenced} phút` };
  return { required: `${r.required.programs} × ${r.required.airingsPerProgram}`, planned: `${r.planned.programs} / ${r.planned.airings}`, evidenced: `${r.evidenced.programs} / ${r.evidenced.airings}` };
}

export type PeriodOf = (p: PeriodInstance) => { start: Date; end: Date };
