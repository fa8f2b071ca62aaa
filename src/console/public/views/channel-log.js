// Drill-down from the report: one channel's broadcast log for the period.
import { t } from '../i18n.js';
import { api, esc, evidenceLevel, instant, addDays, params, time, titleOf, view } from '../core.js';

export default async function viewChannelLog() {
  const q = params();
  const entries = await api(`/api/v1/channels/${q.get('id')}/entries?from=${instant(q.get('from'))}&to=${instant(addDays(q.get('to'), 1))}`);
  let rows = '';
  for (const e of entries) rows += `<tr class="prio-${e.priority}"><td>${time(e.startsAt)}</td><td>${esc(await titleOf(e))}</td><td>${t(e.status)}</td><td>${e.evidencedAt ? time(e.evidencedAt) : '—'}</td><td>${evidenceLevel(e)}</td><td>${esc(e.missedReason ?? '')}</td></tr>`;
  view().innerHTML = `<h1>${esc(q.get('name') ?? '')} ${q.get('from')} – ${q.get('to')}</h1><table id="channel-log"><tr><th>${t('month')}</th><th>${t('titleField')}</th><th>${t('status')}</th><th>${t('evidenced')}</th><th>${t('evidenceLevel')}</th><th>${t('reason')}</th></tr>${rows}</table>${entries.length ? '' : `<p>${t('nothing')}</p>`}`;
}
