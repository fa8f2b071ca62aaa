// R6: compliance by unit and period, with charts; drill-down to a channel; XLSX, PDF and CSV exports.
import { lang, t } from '../i18n.js';
import { $, api, canEdit, download, esc, guarded, localDay, requireFields, unitOptions, view } from '../core.js';
import { barChart } from '../charts.js';

const monthLabel = (m) => `${Number(m.slice(5))}/${m.slice(0, 4)}`;

export default async function viewReports() {
  const units = (await api('/api/v1/units')).items;
  const { current, presets } = await api('/api/v1/reports/periods');
  const me = await api('/api/v1/auth/me');
  const presetOptions = presets.map((p) => `<option value="${p.key}" ${p.key === current.key ? 'selected' : ''}>${esc(lang === 'en' ? p.labelEn : p.label)}</option>`).join('');
  view().innerHTML = `<h1>${t('reports')}</h1><form class="card" id="report"><div class="row">
      <label>${t('unit')}<select name="unitId">${unitOptions(units)}</select></label>
      <label>${t('period')}<select name="preset">${presetOptions}<option value="month">${t('thisMonth')}</option><option value="custom">${t('custom')}</option></select></label>
      <label>${t('from')}<input name="from" type="date" value="${current.from}"></label>
      <label>${t('to')}<input name="to" type="date" value="${current.to}"></label></div>
      <button class="primary">${t('show')}</button>
      <button type="button" class="ok" id="xlsx">${t('exportXlsx')}</button> <button type="button" class="ok" id="pdf">${t('exportPdf')}</button> <button type="button" class="warn" id="csv">${t('exportCsv')}</button>
    </form>
    ${canEdit() ? `<form class="card" id="official"><h2>${t('officialReport')}</h2><p class="muted">${t('officialHint')}</p>
      <div class="row"><label>${t('docNumber')}<input name="number" placeholder="Số: 12/BC-UBND"></label><label>${t('docPlace')}<input name="place" placeholder="${t('docPlaceHint')}"></label></div>
      <div class="row"><label>${t('signerTitle')}<input name="signerTitle" placeholder="CHỦ TỊCH"></label><label>${t('signerName')}<input name="signerName"></label></div>
      <label>${t('recipients')}<textarea name="recipients" rows="3" placeholder="Sở Văn hóa, Thể thao và Du lịch\nThường trực Huyện ủy"></textarea></label>
      <div class="row"><label>${t('preparedBy')}<input name="preparer" value="${esc(me.displayName)}" disabled></label><label data-field="jobTitle">${t('jobTitle')}<input name="jobTitle" value="${esc(me.jobTitle ?? '')}" placeholder="Chuyên viên Phòng Văn hóa và Thông tin"></label></div>
      <button type="button" class="ok" id="official-docx">${t('downloadDocx')}</button> <button type="button" class="ok" id="official-pdf">${t('downloadPdf')}</button></form>` : ''}
    <div id="result"></div>`;
  const form = $('#report');
  form.preset.onchange = () => {
    const p = form.preset.value;
    const preset = presets.find((x) => x.key === p);
    if (preset) [form.from.value, form.to.value] = [preset.from, preset.to];
    if (p === 'month') [form.from.value, form.to.value] = [`${localDay(0).slice(0, 7)}-01`, localDay(0)];
  };
  const q = () => `unitId=${form.unitId.value}&from=${form.from.value}&to=${form.to.value}`;
  const exporting = (path, name) => guarded(form, async () => {
    if (!requireFields(form, ['from', 'to'])) return;
    // the files in the console's language (the PDF is Vietnamese only)
    await download(`${path}?${q()}${path.endsWith('.pdf') ? '' : `&lang=${lang}`}`, `${name}-${form.from.value}-${form.to.value}.${path.split('.').pop()}`);
  });
  $('#xlsx').onclick = exporting('/api/v1/reports/compliance.xlsx', 'tuan-thu');
  $('#pdf').onclick = exporting('/api/v1/reports/compliance.pdf', 'tuan-thu');
  $('#csv').onclick = exporting('/api/v1/reports/broadcast-log.csv', 'nhat-ky-phat');
  const official = $('#official');
  if (official) {
    const make = (format) => guarded(official, async () => {
      if (!requireFields(form, ['from', 'to'])) return;
      // the preparer's title is their profile's: changed here, kept for the next report
      if (official.jobTitle.value.trim() !== (me.jobTitle ?? '')) Object.assign(me, await api('/api/v1/auth/me', { method: 'PATCH', body: { jobTitle: official.jobTitle.value.trim() || null } }));
      const body = {
        unitId: form.unitId.value, from: form.from.value, to: form.to.value, format,
        ...Object.fromEntries(['number', 'place', 'signerTitle', 'signerName'].filter((n) => official[n].value.trim()).map((n) => [n, official[n].value.trim()])),
        recipients: official.recipients.value.split('\n').map((x) => x.trim()).filter(Boolean),
      };
      await download('/api/v1/reports/official', `bao-cao-${form.from.value}-${form.to.value}.${format}`, { method: 'POST', body });
    });
    $('#official-docx').onclick = make('docx');
    $('#official-pdf').onclick = make('pdf');
  }
  form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['from', 'to'])) return;
    const summary = await api(`/api/v1/reports/compliance/months?${q()}`);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const byUnit = summary.units.sort((a, b) => (unitName.get(a.unitId) ?? '').localeCompare(unitName.get(b.unitId) ?? '', 'vi')).map((u) => ({ label: unitName.get(u.unitId) ?? '', text: `${Math.round(u.share * 100)}%`, segments: [{ share: u.share, kind: 'ok' }] }));
    const byMonth = summary.months.map((m) => ({ label: monthLabel(m.month), text: `${m.unitsOk}/${m.units}`, segments: [{ share: m.unitShare, kind: 'ok' }] }));
    // results per month as people read them: a period still running is "in progress", not "at risk"
    const results = summary.months.map((m) => {
      const rows = summary.rows.filter((r) => r.periodStart.slice(0, 7) === m.month);
      const share = (...kinds) => rows.filter((r) => kinds.includes(r.reportStatus)).length / Math.max(1, rows.length);
      return {
        label: monthLabel(m.month),
        text: `${m.ok}/${m.rows}`,
        segments: [{ share: share('met'), kind: 'ok' }, { share: share('scheduled', 'in_progress'), kind: 'open' }, { share: share('at_risk'), kind: 'at_risk' }, { share: share('not_met'), kind: 'violated' }],
      };
    });
    $('#result').innerHTML = `<h2>${t('communesCompliant')}: <span id="communes-share">${summary.unitsCompliant}/${summary.units.length}</span></h2>
      <div class="charts">${barChart('chart-months', t('monthsChart'), byMonth)}${barChart('chart-results', t('statusChart'), results)}${barChart('chart-units', t('unitsChart'), byUnit)}</div>
      <p class="legend"><span class="swatch seg-ok"></span> ${t('report_met')} <span class="swatch seg-open"></span> ${t('report_in_progress')} / ${t('report_scheduled')} <span class="swatch seg-at_risk"></span> ${t('report_at_risk')} <span class="swatch seg-violated"></span> ${t('report_not_met')}</p>
      <table id="compliance"><tr><th>${t('rule')}</th><th>${t('unit')}</th><th>${t('channel')}</th><th>${t('period')}</th><th>${t('required_')}</th><th>${t('planned')}</th><th>${t('evidenced')}</th><th title="${t('levelsHint')}">${t('acousticShare')}</th><th>${t('status')}</th></tr>
      ${summary.rows.map((r) => `<tr data-channel="${r.channelId}"><td>${esc(r.ruleName)}</td><td>${esc(unitName.get(r.unitId) ?? '')}</td><td><a class="drill" href="#/channel?id=${r.channelId}&from=${r.periodStart}&to=${r.periodEnd}&name=${encodeURIComponent(r.channelName)}">${esc(r.channelName)}</a></td><td>${esc(r.label)}</td>${r.minutes ? `<td>${r.minutes.required} ${t('minutes')}</td><td>${r.minutes.planned} ${t('minutes')}</td><td class="evidenced">${r.minutes.evidenced} ${t('minutes')}</td>` : `<td>${r.required.programs} ${t('programsWord')} × ${r.required.airingsPerProgram} ${t('airingsWord')}</td><td>${r.planned.programs} ${t('programsWord')} / ${r.planned.airings} ${t('airingsWord')}</td><td class="evidenced">${r.evidenced.programs} ${t('programsWord')} / ${r.evidenced.airings} ${t('airingsWord')}</td>`}<td class="acoustic">${acousticShare(r)}</td><td class="status-${r.status} report-${r.reportStatus}">${t(`report_${r.reportStatus}`)}</td></tr>`).join('')}</table>
      ${summary.rows.length ? '' : `<p>${t('nothing')}</p>`}`;
  });
  // the page opens on the current period with its figures
  form.requestSubmit();
}

/**
 * The share of a row's airings its monitors verified acoustically: "3/4 (75 %)"; "—" where no monitor listened.
 * @param {{ levels?: { acoustic: number, notHeard: number, reported: number, confirmed: number } }} r
 */
function acousticShare(r) {
  const l = r.levels;
  if (!l || !(l.acoustic + l.notHeard)) return '—';
  const aired = l.acoustic + l.notHeard + l.reported + l.confirmed;
  return `${l.acoustic}/${aired} (${Math.round((100 * l.acoustic) / aired)} %)`;
}
