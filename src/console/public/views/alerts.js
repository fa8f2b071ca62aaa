// Emergency alerts: relay a live stream, play an approved program, or a recording made on the spot.
import { t } from '../i18n.js';
import { $, api, esc, guarded, requireFields, showErrors, unitOptions, uploadWithProgress, view, waitForAsset } from '../core.js';
import { microphoneButton } from '../recorder.js';

export default async function viewAlerts({ render }) {
  const channels = await api('/api/v1/channels');
  const units = (await api('/api/v1/units')).items;
  const active = (await api('/api/v1/alerts?active=true')).items;
  const programs = (await api('/api/v1/programs?status=approved&limit=500')).items ?? [];
  view().innerHTML = `<h1>${t('alerts')}</h1>
    <section class="card" id="active">${active.map((a) => `<div class="airing prio-emergency" data-id="${a.id}"><strong>${esc(a.title)}</strong> <button class="warn" data-stop>${t('stop')}</button></div>`).join('') || `<p>${t('nothing')}</p>`}</section>
    <form class="card" id="alert"><label>${t('titleField')}<input name="title"></label>
      <label>${t('alertTarget')}<select name="target"><option value="channels">${t('chosenChannels')}</option><option value="unit">${t('wholeUnit')}</option></select></label>
      <div data-for-target="channels"><label>${t('channel')}</label><div data-field="channelIds">${channels.filter((c) => c.kind === 'audio').map((c) => `<label class="check"><input type="checkbox" name="channelIds" value="${c.id}"> ${esc(c.name)}</label>`).join('')}</div></div>
      <div data-for-target="unit" hidden><label data-field="unitId">${t('unit')}<select name="unitId">${unitOptions(units)}</select></label><p class="notice" id="alert-reach"></p></div>
      <label>${t('source')}<select name="source"><option value="relay">${t('relay')}</option><option value="program">${t('program')}</option><option value="recording">${t('recordingSource')}</option></select></label>
      <label data-for="relay">${t('streamUrl')}<input name="streamUrl" placeholder="http://"></label>
      <label data-for="program" hidden>${t('program')}<select name="programId">${programs.map((p) => `<option value="${p.id}">${esc(p.title)}</option>`).join('')}</select></label>
      <div data-for="recording" hidden><label>${t('recordOrFile')}</label>
        <button type="button" class="warn" id="alert-record">${t('record')}</button> <span id="alert-rec-state"></span>
        <input name="file" type="file" accept="audio/*"><progress id="alert-up" max="100" value="0" hidden></progress><div id="alert-asset"></div></div>
      <button class="primary">${t('start')}</button></form>`;
  view().querySelectorAll('[data-stop]').forEach((b) => (b.onclick = async () => {
    await api(`/api/v1/alerts/${b.closest('[data-id]').dataset.id}/stop`, { method: 'POST' });
    render();
  }));
  const form = $('#alert');
  // every loudspeaker of a unit (a district and its communes) in one choice, with its reach said first
  const showReach = async () => {
    const r = await api(`/api/v1/alerts/reach?unitId=${form.unitId.value}`);
    $('#alert-reach').textContent = t('alertReach').replace('{channels}', r.channels).replace('{devices}', r.devices);
  };
  form.target.onchange = () => {
    form.querySelectorAll('[data-for-target]').forEach((d) => (d.hidden = d.dataset.forTarget !== form.target.value));
    if (form.target.value === 'unit') showReach();
  };
  form.unitId.onchange = showReach;
  form.source.onchange = () => form.querySelectorAll('[data-for]').forEach((l) => (l.hidden = l.dataset.for !== form.source.value));
  let recorded = null;
  microphoneButton($('#alert-record'), $('#alert-rec-state'), (blob) => {
    recorded = blob;
    $('#alert-asset').innerHTML = `<span class="notice" id="alert-recorded">${t('recorded')} (${Math.round(blob.size / 1024)} kB)</span>`;
  }, (message) => showErrors(form, { data: { message } }));

  /** The recording (or chosen file) uploaded and processed; its asset id. */
  const recordingAsset = async () => {
    const file = form.file.files[0];
    if (!recorded && !file) return showErrors(form, { data: { fields: [{ field: 'file', message: t('recordOrFile') }] } });
    const data = new FormData();
    data.append('unitId', form.target.value === 'unit' ? form.unitId.value : channels.find((c) => c.id === form.querySelector('[name=channelIds]:checked')?.value)?.unitId ?? channels[0].unitId);
    data.append('title', form.title.value);
    data.append('file', file ?? recorded, file?.name ?? 'canh-bao.webm');
    $('#alert-up').hidden = false;
    const asset = await uploadWithProgress('/api/v1/media-assets/audio', data, $('#alert-up'));
    const ready = await waitForAsset(asset.id, null, $('#alert-asset'));
    if (ready.status !== 'ready') return showErrors(form, { data: { fields: [{ field: 'file', message: ready.rejectReason ?? t('rejected') }] } });
    return ready.id;
  };

  form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['title'])) return;
    const whole = form.target.value === 'unit';
    const channelIds = [...form.querySelectorAll('[name=channelIds]:checked')].map((i) => i.value);
    if (!whole && !channelIds.length) return showErrors(form, { data: { fields: [{ field: 'channelIds', message: t('chooseChannel') }] } });
    const source = form.source.value;
    const body = { title: form.title.value, ...(whole ? { unitId: form.unitId.value } : { channelIds }), source };
    if (source === 'relay') body.streamUrl = form.streamUrl.value;
    if (source === 'program') body.programId = form.programId.value;
    if (source === 'recording') {
      body.mediaAssetId = await recordingAsset();
      if (!body.mediaAssetId) return;
    }
    await api('/api/v1/alerts', { method: 'POST', body });
    render();
  });
}
