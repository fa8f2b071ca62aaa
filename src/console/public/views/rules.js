// Series (chuyên mục) and the rebroadcast rules set on them.
import { t } from '../i18n.js';
import { $, api, esc, guarded, requireFields, unitOptions, view } from '../core.js';

export default async function viewRules({ render }) {
  const units = (await api('/api/v1/units')).items;
  const series = await api('/api/v1/series');
  const rules = await api('/api/v1/rules');
  view().innerHTML = `<h1>${t('rules')}</h1>
    <form class="card" id="series"><h2>${t('series')}</h2><div class="row"><label>${t('unit')}<select name="unitId">${unitOptions(units)}</select></label>
      <label>${t('name')}<input name="name"></label></div><button class="primary">${t('save')}</button></form>
    <form class="card" id="rule"><h2>${t('rule')}</h2>
      <label>${t('name')}<input name="name" placeholder="Mỗi tháng 01 chương trình, phát lại ít nhất 03 lần"></label>
      <div class="row"><label>${t('series')}<select name="seriesId">${(series.items ?? series).map((x) => `<option value="${x.id}">${esc(x.name)}</option>`).join('')}</select></label>
      <label>${t('period')}<select name="definition.period"><option value="month">${t('month')}</option><option value="week">${t('week')}</option><option value="quarter">${t('quarter')}</option></select></label>
      <label>${t('minPrograms')}<input name="definition.minPrograms" type="number" value="1"></label>
      <label>${t('minAirings')}<input name="definition.minAiringsPerProgram" type="number" value="3"></label>
      <label>${t('maxPerDay')}<input name="definition.maxAiringsPerDay" type="number" value="1"></label>
      <label>${t('spacing')}<input name="definition.minSpacingHours" type="number" value=""></label></div>
      <button class="primary">${t('save')}</button></form>
    <table id="rules"><tr><th>${t('rule')}</th><th>${t('period')}</th><th>${t('required_')}</th></tr>
      ${(rules.items ?? rules).map((r) => `<tr><td>${esc(r.name)}</td><td>${t(r.definition.period)}</td><td>${r.definition.minPrograms} × ${r.definition.minAiringsPerProgram}</td></tr>`).join('')}</table>`;
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
    const definition = { match: {}, period: form['definition.period'].value, minPrograms: num('definition.minPrograms'), minAiringsPerProgram: num('definition.minAiringsPerProgram'), maxAiringsPerDay: num('definition.maxAiringsPerDay'), minSpacingHours: num('definition.minSpacingHours') };
    await api('/api/v1/rules', { method: 'POST', body: { name: form.name.value, seriesId: form.seriesId.value, definition } });
    render();
  });
}
