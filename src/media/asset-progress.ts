import { DataSource } from 'typeorm';
import { returnedRows } from '../infrastructure/database/returned-rows';

/** Writes an asset's processing progress at most every 500 ms, and cancels the work when the
 *  asset row is gone (deleted by a user) or no longer processing. */
export function assetProgressReporter(db: DataSource, assetId: string, cancel: AbortController): (fraction: number) => void {
  let last = 0;
  let lastPercent = -1;
  return (fraction) => {
    const percent = Math.max(0, Math.min(99, Math.floor(fraction * 100)));
    const now = Date.now();
    if (percent === lastPercent || now - last < 500) return;
    last = now;
    lastPercent = percent;
    db.query(`UPDATE media_assets SET progress = $2, updated_at = now() WHERE id = $1 AND status = 'processing' RETURNING id`, [assetId, percent])
      .then((res) => {
        if (!returnedRows(res).length) cancel.abort();
      })
      .catch(() => undefined);
  };
}
