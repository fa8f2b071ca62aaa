// Series (chuyên mục) and the rebroadcast rules set on them.
import { t } from '../i18n.js';
import { $, api, dmy, esc, guarded, requireFields, unitOptions, view } from '../core.js';

export default async function viewRules({ render }) {
  const units = (await api('/api/v1/units')).items;
  const series = await api('/api/v1/series');
  const rules = await api('/api/v1/rules');
  const list = rules.items ?? rules;
  view().innerHTML = `<h1>${t('rules')}</h1>
    <form class="card" id="series"><h2>${t('series')}</h2><div class="row"><label>${t('unit')}<select name="unitId">${unitOptions(units)}</select></label>
      <label>${t('name')}<input name="name"></label></div><button class="primary">${t('save')}</button></form>
    <form class="card" id="rule"><h2>${t('rule')}</h2>
      <label>${t('name')}<input name="name" placeholder="Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần"></label>
      <div class="row"><label>${t('series')}<select name="seriesId">${(series.items ?? series).map((x) => `<option value="${x.id}">${esc(x.name)}</option>`).join('')}</select></label>
      <label>${t('period')}<select name="definition.period"><option value="month">${t('month')}</option><option value="week">${t('week')}</option><option value="quarter">${t('quarter')}</option></select></label>
      <label>${t('minPrograms')}<input name="definition.minPrograms" type="number" value="1"></label>
      <label>${t('minAirings')}<input name="definition.minAiringsPerProgram" type="number" value="4"><small>${t('minAiringsHint')}</small></label>
      <label>${t('maxPerDay')}<input name="definition.maxAiringsPerDay" type="number" value="1"></label>
      <label>${t('spacing')}<input name="definition.minSpacingHours" type="number" value=""></label></div>
      <div class="row"><label>${t('effectiveFrom')}<input name="definition.from" type="date"><small>${t('effectiveFromHint')}</small></label>
      <label>${t('effectiveTo')}<input name="definition.to" type="date"></label></div>
      <button class="primary">${t('save')}</button></form>
    <table id="rules"><tr><th>${t('rule')}</th><th>${t('period')}</th><th>${t('required_')}</th><th>${t('effective')}</th><th></th></tr>
      ${list.map((r) => `<tr data-id="${r.id}" class="${r.active ? '' : 'inactive'}"><td>${esc(r.name)}${r.active ? '' : ` <em>(${t('inactive')})</em>`}</td><td>${t(r.definition.period)}</td><td>${r.definition.medium === 'display' ? esc((r.definition.dailyWindows ?? []).map((w) => `${w.start}–${w.end}`).join(', ')) : `${r.definition.minPrograms} ${t('programsWord')} × ${r.definition.minAiringsPerProgram} ${t('airingsWord')}`}</td><td>${esc(dmy(r.definition.from))} – ${esc(dmy(r.definition.to))}</td>
        <td class="actions"><button type="button" data-act="edit">${t('edit')}</button> <button type="button" class="warn" data-act="toggle">${t(r.active ? 'deactivate' : 'activate')}</button></td></tr>`).join('')}</table>`;
  const seriesForm = $('#series');
  seriesForm.onsubmit = guarded(seriesForm, async () => {
    if (!requireFields(seriesForm, ['name'])) return;
    await api('/api/v1/series', { method: 'POST', body: { unitId: seriesForm.unitId.value, name: seriesForm.name.value } });
    render();
  });
  const form = $('#rule');
  form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['name', 'seriesId'])) return;
    const num = (n) => (form[n].value === '' ? undefined : Number(form[n].value));
    const date = (n) => form[n].value || undefined;
    const definition = { match: {}, period: form['definition.period'].value, minPrograms: num('definition.minPrograms'), minAiringsPerProgram: num('definition.minAiringsPerProgram'), maxAiringsPerDay: num('definition.maxAiringsPerDay'), minSpacingHours: num('definition.minSpacingHours'), from: date('definition.from'), to: date('definition.to') };
    // editing keeps what the form does not show (match, windows…) from the rule as it was
    const editing = list.find((r) => r.id === form.dataset.id);
    if (editing) await api(`/api/v1/rules/${editing.id}`, { method: 'PATCH', body: { name: form.name.value, definition: { ...editing.definition, ...definition, match: editing.definition.match } } });
    else await api('/api/v1/rules', { method: 'POST', body: { name: form.name.value, seriesId: form.seriesId.value, definition } });
    render();
  });
  view().querySelectorAll('#rules [data-act]').forEach((b) => {
    const rule = list.find((r) => r.id === b.closest('tr').dataset.id);
    b.onclick = guarded(form, async () => {
      if (b.dataset.act === 'toggle') {
        await api(`/api/v1/rules/${rule.id}`, { method: 'PATCH', body: { active: !rule.active } });
        return render();
      }
      form.dataset.id = rule.id;
      form.querySelector('h2').textContent = `${t('edit')}: ${rule.name}`;
      form.name.value = rule.name;
      form.seriesId.value = rule.seriesId ?? '';
      form.seriesId.disabled = true;
      for (const k of ['period', 'minPrograms', 'minAiringsPerProgram', 'maxAiringsPerDay', 'minSpacingHours', 'from', 'to']) form[`definition.${k}`].value = rule.definition[k] ?? '';
      form.scrollIntoView({ block: 'nearest' });
    });
  });
}
