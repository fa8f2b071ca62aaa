// Campaigns: one request plans the loudspeakers and the LED boards of a subtree for the same dates;
// the page shows the plan per unit with the planner's explanations, and what devices reported.
import { t } from '../i18n.js';
import { $, addDays, api, canEdit, download, esc, guarded, localDay, params, requireFields, unitOptions, view } from '../core.js';

export default async function viewCampaigns({ render }) {
  const id = params().get('id');
  if (id) return viewCampaign(id, render);
  const [campaigns, units, programs, slides] = await Promise.all([
    api('/api/v1/campaigns'),
    canEdit() ? api('/api/v1/units').then((r) => r.items) : [],
    canEdit() ? api('/api/v1/programs?status=approved&limit=500').then((r) => r.items) : [],
    canEdit() ? api('/api/v1/media-assets?kind=image,clip,slide&status=ready&limit=500').then((r) => r.items) : [],
  ]);
  const start = addDays(localDay(0), 1);
  const pick = (name, items, label) =>
    `<fieldset class="picks" data-field="${name}"><legend>${label}</legend>${items.length ? items.map((x) => `<label class="check"><input type="checkbox" name="${name}" value="${x.id}"> ${esc(x.title ?? x.name ?? x.originalName ?? x.id)}</label>`).join('') : `<small>${t('noneYet')}</small>`}</fieldset>`;
  view().innerHTML = `<h1>${t('campaigns')}</h1>
    <table id="campaign-list"><tr><th>${t('name')}</th><th>${t('from')}</th><th>${t('to')}</th><th>${t('status')}</th><th></th></tr>
      ${campaigns.map((c) => `<tr><td>${esc(c.name)}</td><td>${c.startsOn}</td><td>${c.endsOn}</td><td>${t(c.status === 'active' ? 'activeCampaign' : 'cancelled')}</td><td><a href="#/campaigns?id=${c.id}">${t('show')}</a></td></tr>`).join('')}</table>
    ${canEdit() ? `<form class="card" id="campaign"><h2>${t('newCampaign')}</h2>
      <label>${t('name')}<input name="name" placeholder="Ngày Chuyển đổi số quốc gia 10/10"></label>
      <div class="row"><label>${t('unit')}<select name="unitId">${unitOptions(units)}</select></label>
        <label>${t('targetUnit')}<select name="targetUnitId"><option value="">${t('sameUnit')}</option>${unitOptions(units)}</select></label></div>
      <div class="row"><label>${t('from')}<input name="startsOn" type="date" value="${start}"></label><label>${t('to')}<input name="endsOn" type="date" value="${addDays(start, 9)}"></label></div>
      <h3>${t('speaker')}</h3>
      ${pick('audio.programIds', programs, t('programs'))}
      <div class="row"><label>${t('minAirings')}<input name="audio.minAiringsPerProgram" type="number" value="3" min="1"></label>
        <label>${t('maxPerDay')}<input name="audio.maxAiringsPerDay" type="number" value="1" min="1"></label></div>
      <h3>${t('led')}</h3>
      ${pick('display.mediaAssetIds', slides, t('ledContent'))}
      <div class="row" data-field="display.dailyWindows"><label>${t('dailyFrom')}<input name="windowStart" type="time" value="06:00"></label><label>${t('dailyTo')}<input name="windowEnd" type="time" value="22:00"></label></div>
      <div class="row"><label data-field="display.showingsPerDay">${t('showingsPerDay')}<input name="display.showingsPerDay" type="number" min="1" max="96" placeholder="${t('wholeWindow')}"></label>
        <label data-field="display.showingMinutes">${t('showingMinutes')}<input name="display.showingMinutes" type="number" min="1" max="720" value="10"></label>
        <label data-field="display.minSpacingMinutes">${t('minSpacingMinutes')}<input name="display.minSpacingMinutes" type="number" min="0" max="1440"></label></div>
      <p class="muted">${t('showingsHint')}</p>
      <button class="primary">${t('createAndPlan')}</button></form>` : ''}`;
  const form = $('#campaign');
  if (!form) return;
  form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['name', 'startsOn', 'endsOn'])) return;
    const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const programIds = checked('audio.programIds');
    const mediaAssetIds = checked('display.mediaAssetIds');
    const num = (n) => (form[n].value === '' ? undefined : Number(form[n].value));
    // N showings a day of M minutes — or, left empty, the whole window
    const showings = () => (num('display.showingsPerDay') === undefined ? {} : { showingsPerDay: num('display.showingsPerDay'), showingMinutes: num('display.showingMinutes'), minSpacingMinutes: num('display.minSpacingMinutes') });
    const body = {
      name: form.name.value, unitId: form.unitId.value, ...(form.targetUnitId.value ? { targetUnitId: form.targetUnitId.value } : {}),
      startsOn: form.startsOn.value, endsOn: form.endsOn.value,
      ...(programIds.length ? { audio: { programIds, minAiringsPerProgram: num('audio.minAiringsPerProgram'), maxAiringsPerDay: num('audio.maxAiringsPerDay') } } : {}),
      ...(mediaAssetIds.length ? { display: { mediaAssetIds, dailyWindows: [{ start: form.windowStart.value, end: form.windowEnd.value }], ...showings() } } : {}),
    };
    const created = await api('/api/v1/campaigns', { method: 'POST', body });
    location.hash = `#/campaigns?id=${created.campaign.id}`;
  });
}

async function viewCampaign(id, render) {
  const c = await api(`/api/v1/campaigns/${id}`);
  const compliance = await api(`/api/v1/campaigns/${id}/compliance`);
  // what is still missing, and why: the planner's answer without writing anything
  const plan = canEdit() && c.status === 'active' ? await api(`/api/v1/campaigns/${id}/plan`, { method: 'POST', body: { dryRun: true } }) : { shortfalls: [] };
  const unitOf = new Map(compliance.units.flatMap((u) => u.channels.map((ch) => [ch.id, u.unitId])));
  const why = new Map();
  for (const s of plan.shortfalls) why.set(unitOf.get(s.channelId), [...(why.get(unitOf.get(s.channelId)) ?? []), s.message]);
  const cell = (m, a, b, req) => (m ? `${m[a]} / ${m[b]} / ${m[req]}` : '—');
  const s = compliance.summary;
  view().innerHTML = `<h1>${t('campaign')}: ${esc(c.name)}</h1>
    <p>${c.startsOn} – ${c.endsOn} · ${t(c.status === 'active' ? 'activeCampaign' : 'cancelled')} · ${t('ok')}: ${s.ok} · ${t('at_risk')}: ${s.at_risk} · ${t('violated')}: ${s.violated}</p>
    <div class="toolbar">${canEdit() && c.status === 'active' ? `<button type="button" id="replan">${t('plan')}</button> <button type="button" id="stop" class="warn">${t('stopCampaign')}</button>` : ''}
      <button type="button" id="csv">${t('exportCsv')}</button> <a href="#/campaigns">${t('campaigns')}</a></div>
    <p id="plan-result"></p>
    <table id="campaign-units"><tr><th>${t('unit')}</th><th>${t('airingsCol')}</th><th>${t('minutesCol')}</th><th>${t('status')}</th><th>${t('explanations')}</th></tr>
      ${compliance.units.map((u) => `<tr data-unit="${u.unitId}"><td>${esc(u.unitName)}</td>
        <td>${cell(u.audio, 'planned', 'evidenced', 'required')}</td><td>${cell(u.display, 'plannedMinutes', 'evidencedMinutes', 'requiredMinutes')}</td>
        <td class="st-${u.status}">${t(u.status)}${u.audio?.planShort || u.display?.planShort ? ` <em>(${t('planShort')})</em>` : ''}</td>
        <td>${(why.get(u.unitId) ?? []).map((m) => `<div class="why">${esc(m)}</div>`).join('')}</td></tr>`).join('')}</table>
    <p><small>${t('campaignCells')}</small></p>`;
  $('#csv').onclick = () => download(`/api/v1/campaigns/${id}/compliance.csv`, `chien-dich-${c.startsOn}.csv`);
  const replan = $('#replan');
  if (replan) {
    replan.onclick = async () => {
      const r = await api(`/api/v1/campaigns/${id}/plan`, { method: 'POST', body: {} });
      await render();
      $('#plan-result').textContent = `${t('placed')}: ${r.created}`;
    };
    $('#stop').onclick = async () => {
      if (!confirm(t('confirmStopCampaign'))) return;
      await api(`/api/v1/campaigns/${id}/cancel`, { method: 'POST' });
      render();
    };
  }
}
