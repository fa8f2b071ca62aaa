export type Outcome = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  /** What the protocol promises (docs/protocol.md), in one line. */
  promise: string;
  outcome: Outcome;
  /** What was observed: the figure for a pass, the reason for a failure or a skip. */
  detail: string;
}

/** One line per check, pass or fail with the reason, and a summary: what a vendor attaches to a tender. */
export function formatReport(header: string[], results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.id.length));
  const lines = results.map((r) => `${r.outcome.toUpperCase().padEnd(4)}  ${r.id.padEnd(width)}  ${r.detail}\n      ${' '.repeat(width)}  (${r.promise})`);
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  return [...header, '', ...lines, '', `${results.length} checks: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped — ${count('fail') ? 'NOT CONFORMANT' : 'conformant'}`].join('\n') + '\n';
}
