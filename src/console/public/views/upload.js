// Uploading content: audio becomes a program (then submitted and approved on the programs page);
// LED content is a text slide made by the service, or an image / clip.
import { t } from '../i18n.js';
import { $, api, esc, requireFields, showErrors, unitOptions, uploadWithProgress, view, waitForAsset } from '../core.js';

export default async function viewUpload() {
  const units = (await api('/api/v1/units')).items;
  const series = await api('/api/v1/series').catch(() => []);
  view().innerHTML = `<h1>${t('upload')}</h1>
    <form class="card" id="upload"><div class="row">
      <label>${t('unit')}<select name="unitId">${unitOptions(units)}</select></label>
      <label>${t('titleField')}<input name="title"></label>
      <label>${t('series')}<select name="seriesId"><option value=""></option>${(series.items ?? series).map((s) => `<option value="${s.id}">${esc(s.name)}</option>`).join('')}</select></label></div>
      <label>${t('file')}<input name="file" type="file" accept="audio/*"></label>
      <button class="primary">${t('send')}</button>
      <div id="progress" hidden><label>${t('uploading')} <progress id="up" max="100" value="0"></progress></label><label>${t('processing')} <progress id="proc" max="100" value="0"></progress></label><div id="state"></div></div>
    </form>
    <form class="card" id="led"><h2>${t('ledContent')}</h2><div class="row">
      <label>${t('unit')}<select name="unitId">${unitOptions(units)}</select></label>
      <label>${t('boardWidth')}<input name="width" type="number" value="384"></label><label>${t('boardHeight')}<input name="height" type="number" value="192"></label></div>
      <label>${t('heading')}<input name="heading"></label><label>${t('body')}<textarea name="body" rows="2"></textarea></label><label>${t('ticker')}<input name="ticker"></label>
      <label>${t('imageOrClip')}<input name="file" type="file" accept="image/*,video/*"></label>
      <button class="primary">${t('send')}</button>
      <div id="led-progress" hidden><progress id="led-up" max="100" value="0"></progress> <progress id="led-proc" max="100" value="0"></progress><div id="led-state"></div></div></form>`;

  $('#led').onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target;
    const file = form.file.files[0];
    if (!file && !requireFields(form, ['body'])) return;
    $('#led-progress').hidden = false;
    try {
      let asset;
      if (file) {
        const data = new FormData();
        for (const k of ['unitId', 'width', 'height']) data.append(k, form[k].value);
        if (form.heading.value) data.append('title', form.heading.value);
        data.append('file', file);
        asset = await uploadWithProgress('/api/v1/media-assets/display', data, $('#led-up'));
      } else {
        asset = await api('/api/v1/media-assets/slide', { method: 'POST', body: { unitId: form.unitId.value, width: Number(form.width.value), height: Number(form.height.value), heading: form.heading.value, body: form.body.value, ...(form.ticker.value ? { ticker: form.ticker.value } : {}) } });
        $('#led-up').value = 100;
      }
      await waitForAsset(asset.id, $('#led-proc'), $('#led-state'));
    } catch (err) {
      showErrors(form, err);
    }
  };

  $('#upload').onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target;
    if (!requireFields(form, ['title', 'file'])) return;
    const data = new FormData();
    data.append('unitId', form.unitId.value);
    data.append('title', form.title.value);
    data.append('file', form.file.files[0]);
    $('#progress').hidden = false;
    try {
      const asset = await uploadWithProgress('/api/v1/media-assets/audio', data, $('#up'));
      if ((await waitForAsset(asset.id, $('#proc'), $('#state'))).status !== 'ready') return;
      const program = await api('/api/v1/programs', { method: 'POST', body: { title: form.title.value, audioAssetId: asset.id, ...(form.seriesId.value ? { seriesId: form.seriesId.value } : {}) } });
      location.hash = `#/programs?created=${program.id}`;
    } catch (err) {
      showErrors(form, err);
    }
  };
}
