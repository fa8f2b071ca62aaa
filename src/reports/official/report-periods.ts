/**
 * The periods a district reports on. Calendar halves and years, and the reporting cut-offs of
 * Decree 09/2019/NĐ-CP (Điều 12): a 6-month report counts from 15 December of the previous year to
 * 14 June; a yearly one from 15 December of the previous year to 14 December.
 */
export interface ReportPeriod {
  key: string;
  from: string;
  to: string;
  label: string;
  labelEn: string;
  /** What the document's title says of it: "6 tháng đầu năm 2026". */
  titleVi: string;
}

export function reportPeriods(year: number): ReportPeriod[] {
  const prev = year - 1;
  return [
    { key: `${year}-h1`, from: `${year}-01-01`, to: `${year}-06-30`, label: `6 tháng đầu năm ${year} (01/01–30/06)`, labelEn: `First half of ${year}`, titleVi: `6 tháng đầu năm ${year}` },
    { key: `${year}-h2`, from: `${year}-07-01`, to: `${year}-12-31`, label: `6 tháng cuối năm ${year} (01/07–31/12)`, labelEn: `Second half of ${year}`, titleVi: `6 tháng cuối năm ${year}` },
    { key: `${year}-year`, from: `${year}-01-01`, to: `${year}-12-31`, label: `Năm ${year} (01/01–31/12)`, labelEn: `Year ${year}`, titleVi: `năm ${year}` },
    {
      key: `${year}-nd09-h1`, from: `${prev}-12-15`, to: `${year}-06-14`,
      label: `6 tháng đầu năm ${year} theo Nghị định 09/2019 (15/12/${prev}–14/06/${year})`, labelEn: `First half of ${year}, Decree 09/2019 cut-off (15 Dec ${prev} – 14 Jun ${year})`, titleVi: `6 tháng đầu năm ${year}`,
    },
    {
      key: `${year}-nd09-year`, from: `${prev}-12-15`, to: `${year}-12-14`,
      label: `Năm ${year} theo Nghị định 09/2019 (15/12/${prev}–14/12/${year})`, labelEn: `Year ${year}, Decree 09/2019 cut-off (15 Dec ${prev} – 14 Dec ${year})`, titleVi: `năm ${year}`,
    },
  ];
}

/** The presets around a local day: this year's and last year's, the period holding `today` first. */
export function periodPresets(today: string): { current: ReportPeriod; presets: ReportPeriod[] } {
  const year = Number(today.slice(0, 4));
  const presets = [...reportPeriods(year), ...reportPeriods(year - 1)];
  // the calendar half holding today is what the reports page opens on
  const current = presets.find((p) => /-h[12]$/.test(p.key) && p.from <= today && today <= p.to)!;
  return { current, presets };
}

/** A period's words for a title when it is no preset: "từ 01/03/2026 đến 31/05/2026". */
export function periodTitle(from: string, to: string): string {
  const preset = reportPeriods(Number(to.slice(0, 4))).find((p) => p.from === from && p.to === to);
  return preset ? preset.titleVi : `từ ${dmy(from)} đến ${dmy(to)}`;
}

/** 2026-06-14 → 14/06/2026 */
export function dmy(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}
