import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Communes that merge (since 1 July 2025 merged communes run one station). The new unit takes the
 * channels, users and future work of the former ones; what happened before stays attributed to the
 * unit as it was: each moved channel keeps a row saying whose it was until the merge date.
 */
export class UnitMerges1795400000010 implements MigrationInterface {
  name = 'UnitMerges1795400000010';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE units ADD COLUMN merged_into uuid REFERENCES units(id), ADD COLUMN merged_on date`);
    await q.query(`
      CREATE TABLE unit_merges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        into_unit_id uuid NOT NULL REFERENCES units(id),
        merged_on date NOT NULL,
        from_unit_ids uuid[] NOT NULL,
        moved jsonb NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        split_at timestamptz,
        split_by uuid REFERENCES users(id) ON DELETE SET NULL
      )`);
    await q.query(`
      CREATE TABLE channel_unit_history (
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        unit_id uuid NOT NULL REFERENCES units(id),
        until date NOT NULL,
        merge_id uuid NOT NULL REFERENCES unit_merges(id) ON DELETE CASCADE,
        PRIMARY KEY (channel_id, until)
      )`);
    await q.query(`CREATE INDEX channel_unit_history_unit_idx ON channel_unit_history (unit_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE channel_unit_history`);
    await q.query(`DROP TABLE unit_merges`);
    await q.query(`ALTER TABLE units DROP COLUMN merged_into, DROP COLUMN merged_on`);
  }
}
