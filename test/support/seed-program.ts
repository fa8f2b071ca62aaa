import type { DataSource } from 'typeorm';

/**
 * An approved program with a ready 10-minute audio file, written straight to the database: for tests
 * whose subject is the history around it (reports, merges), not how it was uploaded and approved.
 * `author` wrote it and `approver` approved it (four eyes: two different users).
 */
export async function seedApprovedProgram(db: DataSource, p: { unitId: string; seriesId: string; title: string; author: string; approver: string; sha256Char: string }): Promise<string> {
  const [{ id: asset }] = await db.query(
    `INSERT INTO media_assets (unit_id, kind, status, title, original_name, original_bytes, progress, sha256, bytes, mime, duration_ms)
     VALUES ($1, 'audio', 'ready', 'x', 'x.mp3', 1, 100, repeat($2, 64), 1, 'audio/mpeg', 600000) RETURNING id`,
    [p.unitId, p.sha256Char],
  );
  const [{ id }] = await db.query(
    `INSERT INTO programs (unit_id, title, series_id, audio_asset_id, status, created_by, approved_by, approved_at)
     SELECT $1, $2, $3, $4, 'approved', a.id, b.id, now() FROM users a, users b WHERE a.username = $5 AND b.username = $6 RETURNING id`,
    [p.unitId, p.title, p.seriesId, asset, p.author, p.approver],
  );
  return id;
}
