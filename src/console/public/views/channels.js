// Channels and their broadcast windows (local time), days off and limits.
import { t } from '../i18n.js';
import { $, api, esc, guarded, params, requireFields, unitOptions, view, WEEKDAYS } from '../core.js';

const summary = (w) => `${w.days.length === 7 ? t('everyDay') : w.days.map((d) => t(WEEKDAYS[d - 1])).join(',')} ${w.start}–${w.end}`;

export default async function viewChannels({ render }) {
  const [channels, units] = await Promise.all([api('/api/v1/channels'), api('/api/v1/units').then((r) => r.items)]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const editing = channels.find((c) => c.id === params().get('id'));
  view().innerHTML = `<h1>${t('channels')}</h1>
    <table id="channels"><tr><th>${t('name')}</th><th>${t('unit')}</th><th>${t('kind')}</th><th>${t('windows')}</th><th></th></tr>
    ${channels.map((c) => `<tr data-id="${c.id}"><td>${esc(c.name)}${c.active === false ? ' (—)' : ''}</td><td>${esc(unitName.get(c.unitId) ?? '')}</td><td>${t(c.kind)}</td>
      <td class="windows">${(c.windows ?? []).map(summary).join('<br>') || '—'}</td><td><a href="#/channels?id=${c.id}">${t('edit')}</a></td></tr>`).join('')}</table>
    <form class="card" id="channel"><h2>${editing ? `${t('edit')}: ${esc(editing.name)}` : t('newChannel')}</h2><div class="row">
      <label>${t('unit')}<select name="unitId" ${editing ? 'disabled' : ''}>${unitOptions(units, editing?.unitId)}</select></label>
      <label>${t('name')}<input name="name" value="${esc(editing?.name ?? '')}"></label>
      <label>${t('kind')}<select name="kind" ${editing ? 'disabled' : ''}><option value="audio">${t('audio')}</option><option value="display" ${editing?.kind === 'display' ? 'selected' : ''}>${t('display')}</option></select></label></div>
      <h3>${t('windows')}</h3><div id="windows" data-field="windows"></div>
      <button type="button" id="add-window">${t('addWindow')}</button>
      <label>${t('daysOff')}<input name="daysOff" value="${esc((editing?.daysOff ?? []).join(', '))}" placeholder="2026-09-02, 2027-02-17"></label>
      <div class="row"><label>${t('maxSession')}<input name="maxSessionMinutes" type="number" value="${editing?.maxSessionMinutes ?? ''}"></label>
      <label>${t('maxDaily')}<input name="maxDailyMinutes" type="number" value="${editing?.maxDailyMinutes ?? ''}"></label></div>
      <button class="primary">${t('save')}</button> ${editing ? `<a href="#/channels">${t('newChannel')}</a>` : ''}</form>`;

  const box = $('#windows');
  const addWindow = (w = { days: [1, 2, 3, 4, 5, 6, 7], start: '', end: '' }) => {
    const i = box.children.length;
    box.insertAdjacentHTML('beforeend', `<div class="window-row">
      <span class="days" data-field="windows.${i}.days">${WEEKDAYS.map((d, n) => `<label class="check"><input type="checkbox" value="${n + 1}" ${w.days.includes(n + 1) ? 'checked' : ''}> ${t(d)}</label>`).join('')}</span>
      <input name="windows.${i}.start" value="${esc(w.start)}" placeholder="05:30" aria-label="start"> – <input name="windows.${i}.end" value="${esc(w.end)}" placeholder="06:30" aria-label="end">
      <button type="button" class="warn" data-remove>${t('remove')}</button></div>`);
    box.lastElementChild.querySelector('[data-remove]').onclick = (e) => e.target.closest('.window-row').remove();
  };
  (editing?.windows?.length ? editing.windows : [{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }]).forEach(addWindow);
  $('#add-window').onclick = () => addWindow();

  const form = $('#channel');
  form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['name'])) return;
    // rows are renumbered as sent, so a message about windows.N lands on the N-th row shown
    const rows = [...box.querySelectorAll('.window-row')];
    rows.forEach((row, i) => {
      row.querySelector('.days').dataset.field = `windows.${i}.days`;
      row.querySelectorAll('input[name]').forEach((input) => (input.name = input.name.replace(/^windows\.\d+/, `windows.${i}`)));
    });
    const windows = rows.map((row) => ({
      days: [...row.querySelectorAll('.days input:checked')].map((c) => Number(c.value)),
      start: row.querySelector('[name$=".start"]').value.trim(),
      end: row.querySelector('[name$=".end"]').value.trim(),
    }));
    const num = (v) => (v === '' ? undefined : Number(v));
    const body = {
      name: form.name.value.trim(),
      windows,
      daysOff: form.daysOff.value.split(/[,\s]+/).filter(Boolean),
      maxSessionMinutes: num(form.maxSessionMinutes.value),
      maxDailyMinutes: num(form.maxDailyMinutes.value),
    };
    if (editing) await api(`/api/v1/channels/${editing.id}`, { method: 'PATCH', body });
    else await api('/api/v1/channels', { method: 'POST', body: { ...body, unitId: form.unitId.value, kind: form.kind.value } });
    location.hash = '#/channels';
    render();
  });
}
