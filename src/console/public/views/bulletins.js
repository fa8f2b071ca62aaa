// Bulletins sent down to commune stations (Circular 39/2020/TT-BTTTT's three levels), and what each commune did with them.
import { t } from '../i18n.js';
import { $, api, esc, guarded, instant, localDay, requireFields, unitOptions, view } from '../core.js';

export default async function viewBulletins({ render }) {
  const units = (await api('/api/v1/units')).items;
  const audio = (await api('/api/v1/media-assets?kind=audio&status=ready&limit=500')).items ?? [];
  const from = `${localDay(0).slice(0, 7)}-01`;
  const report = await api(`/api/v1/reports/bulletins?unitId=${units[0]?.id}&from=${from}&to=${localDay(0)}`);
  view().innerHTML = `<h1>${t('bulletins')}</h1>
    <form class="card" id="bulletin"><h2>${t('sendBulletin')}</h2><p class="muted">${t('bulletinHint')}</p>
      <label>${t('titleField')}<input name="title"></label>
      <div class="row"><label>${t('level')}<select name="level"><option value="normal">${t('level_normal')}</option><option value="priority">${t('level_priority')}</option><option value="emergency">${t('level_emergency')}</option></select></label>
        <label>${t('targetUnit')}<select name="targetUnitId">${unitOptions(units)}</select></label></div>
      <div class="row"><label data-field="mediaAssetId">${t('bulletinAudio')}<select name="mediaAssetId">${audio.map((a) => `<option value="${a.id}">${esc(a.title ?? a.originalName)}</option>`).join('')}</select></label>
        <label data-field="validUntil">${t('validUntil')}<input name="validUntilDay" type="date" value="${localDay(1)}"><input name="validUntilTime" type="time" value="22:00"></label></div>
      <button class="primary">${t('sendBulletin')}</button> <span id="bulletin-sent"></span></form>
    <h2>${t('bulletinsThisMonth')}</h2>
    <table id="bulletin-report"><tr><th>${t('unit')}</th><th>${t('level')}</th><th>${t('source')}</th><th>${t('received')}</th><th>${t('placedCount')}</th><th>${t('airedCount')}</th><th>${t('declinedCount')}</th><th>${t('expiredCount')}</th></tr>
      ${report.rows.map((r) => `<tr><td>${esc(r.unitName)}</td><td>${t(`level_${r.level}`)}</td><td>${t(`source_${r.source}`)}</td><td>${r.received}</td><td>${r.placed}</td><td>${r.aired}</td><td>${r.declined}${r.declineReasons.length ? ` (${esc(r.declineReasons.join('; '))})` : ''}</td><td>${r.expired}</td></tr>`).join('')}</table>
    ${report.rows.length ? '' : `<p>${t('nothing')}</p>`}`;
  const form = $('#bulletin');
  form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['title', 'validUntilDay', 'validUntilTime'])) return;
    const sent = await api('/api/v1/bulletins', { method: 'POST', body: {
      title: form.title.value, level: form.level.value, targetUnitId: form.targetUnitId.value, mediaAssetId: form.mediaAssetId.value,
      validUntil: instant(form.validUntilDay.value, form.validUntilTime.value),
    } });
    $('#bulletin-sent').textContent = `${t('sentTo')} ${sent.channels} ${t('channelsWord')}`;
    setTimeout(render, 1500);
  });
}
