import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an LED board started showing a slides entry — its first play.started from a device of the
 * entry's own channel inside the entry's evidence window — kept on the entry by ingestion (like
 * evidenced_at for play.completed), so the display reports read a column instead of looking the event
 * up among millions for every entry. Filled from the events already stored.
 */
export class ShownAt1795400000015 implements MigrationInterface {
  name = 'ShownAt1795400000015';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedule_entries ADD COLUMN shown_at timestamptz`);
    await q.query(`
      UPDATE schedule_entries e SET shown_at = x.first_at
        FROM (SELECT pe.entry_id, min(pe.at) AS first_at
                FROM play_events pe JOIN schedule_entries s ON s.id = pe.entry_id AND s.channel_id = pe.channel_id
               WHERE pe.type = 'play.started' AND s.kind = 'slides' AND is_evidence_time(pe.at, s.starts_at, s.ends_at)
               GROUP BY 1) x
       WHERE e.id = x.entry_id`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedule_entries DROP COLUMN shown_at`);
  }
}
