// Programs: find them (status, series, words of the title), listen, submit, approve or send back with a reason, retire.
import { t } from '../i18n.js';
import { $, api, canEdit, esc, guarded, params, requireFields, role, showErrors, time, view } from '../core.js';

export default async function viewPrograms({ render }) {
  const q = params();
  const filter = { status: q.get('status') ?? '', seriesId: q.get('seriesId') ?? '', q: q.get('q') ?? '' };
  const query = new URLSearchParams({ limit: '200', ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) });
  const [list, series] = await Promise.all([api(`/api/v1/programs?${query}`), api('/api/v1/series').catch(() => [])]);
  const seriesName = new Map((series.items ?? series).map((s) => [s.id, s.name]));
  const author = role() !== 'viewer';
  const actions = (p) =>
    [
      `<button type="button" data-act="listen">${t('listen')}</button>`,
      p.status === 'draft' && author ? `<button type="button" class="ok" data-act="submit">${t('submit')}</button>` : '',
      p.status === 'submitted' && canEdit() ? `<button type="button" class="ok" data-act="approve">${t('approve')}</button> <button type="button" class="warn" data-act="reject">${t('reject')}</button>` : '',
      p.status === 'approved' && canEdit() ? `<button type="button" class="warn" data-act="retire">${t('retire')}</button>` : '',
    ].join(' ');
  view().innerHTML = `<h1>${t('programs')}</h1>
    <form class="card" id="program-filters"><div class="row">
      <label>${t('status')}<select name="status"><option value="">${t('allStatuses')}</option>${['draft', 'submitted', 'approved', 'retired'].map((s) => `<option value="${s}" ${s === filter.status ? 'selected' : ''}>${t(s)}</option>`).join('')}</select></label>
      <label>${t('series')}<select name="seriesId"><option value="">${t('allSeries')}</option>${[...seriesName].map(([id, name]) => `<option value="${id}" ${id === filter.seriesId ? 'selected' : ''}>${esc(name)}</option>`).join('')}</select></label>
      <label>${t('search')}<input name="q" value="${esc(filter.q)}" type="search"></label></div>
      <button class="primary">${t('filter')}</button> <span class="muted" id="program-count">${list.total} ${t('found')}</span></form>
    ${q.get('created') ? `<div class="notice" id="program-created">${t('programCreated')}</div>` : ''}
    <table id="programs"><tr><th>${t('titleField')}</th><th>${t('series')}</th><th>${t('status')}</th><th>${t('created')}</th><th></th></tr>
    ${list.items.map((p) => `<tr data-id="${p.id}" data-status="${p.status}" class="${p.id === q.get('created') ? 'fresh' : ''}"><td>${esc(p.title)}${p.reviewNote ? `<div class="review-note">${t('returned')}: ${esc(p.reviewNote)}</div>` : ''}</td>
      <td>${esc(seriesName.get(p.seriesId) ?? '—')}</td><td class="pstatus" data-status="${p.status}">${t(p.status)}</td><td>${time(p.createdAt)}</td><td class="actions">${actions(p)}</td></tr>`).join('')}</table>
    ${list.items.length ? '' : `<p>${t('nothing')}</p>`}`;

  const filters = $('#program-filters');
  filters.onsubmit = (e) => {
    e.preventDefault();
    const next = new URLSearchParams([...new FormData(filters)].filter(([, v]) => String(v).trim()));
    const hash = `#/programs?${next}`;
    if (location.hash === hash) render();
    else location.hash = hash;
  };
  filters.status.onchange = filters.seriesId.onchange = () => filters.requestSubmit();

  view().querySelectorAll('#programs [data-act]').forEach((b) => {
    const row = b.closest('tr');
    const id = row.dataset.id;
    const cell = b.closest('td');
    b.onclick = async () => {
      try {
        if (b.dataset.act === 'listen') return await listen(list.items.find((p) => p.id === id), cell);
        if (b.dataset.act === 'reject') return rejectForm(id, cell, render);
        if (b.dataset.act === 'retire' && !confirm(t('confirmRetire'))) return;
        await api(`/api/v1/programs/${id}/${b.dataset.act}`, { method: 'POST' });
        render();
      } catch (err) {
        showErrors(cell, err);
      }
    };
  });
}

/** Plays the program's processed audio in the page (fetched with the user's token). */
async function listen(program, cell) {
  const asset = await api(`/api/v1/media-assets/${program.audioAssetId}`);
  if (!asset.sha256) return showErrors(cell, { data: { message: t('processing') } });
  const blob = await api(`/api/v1/media/${asset.sha256}`);
  cell.querySelector('audio')?.remove();
  cell.insertAdjacentHTML('beforeend', `<audio controls autoplay src="${URL.createObjectURL(blob)}"></audio>`);
}

/** Sending back needs a reason, which the author reads next to the program. */
function rejectForm(id, cell, render) {
  if (cell.querySelector('form.reject')) return;
  cell.insertAdjacentHTML('beforeend', `<form class="reject"><label>${t('rejectReason')}<textarea name="reason" rows="2"></textarea></label><button class="warn">${t('reject')}</button></form>`);
  const form = cell.querySelector('form.reject');
  form.reason.focus();
  form.onsubmit = guarded(form, async () => {
    if (!requireFields(form, ['reason'])) return;
    await api(`/api/v1/programs/${id}/reject`, { method: 'POST', body: { reason: form.reason.value } });
    render();
  });
}
