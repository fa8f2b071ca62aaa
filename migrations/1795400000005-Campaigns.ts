import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaigns: one resource that asks loudspeakers and LED boards of a unit subtree for the same
 * dates (e.g. Ngày Chuyển đổi số quốc gia 10/10). A campaign owns up to two rules — an audio rule
 * over its programs, a display rule over its slides — so the planner and compliance treat it as
 * they treat any rule. A slides entry may show several slides in rotation (media_asset_ids).
 */
export class Campaigns1795400000005 implements MigrationInterface {
  name = 'Campaigns1795400000005';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        target_unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        audio jsonb,
        display jsonb,
        audio_rule_id uuid REFERENCES rules(id) ON DELETE RESTRICT,
        display_rule_id uuid REFERENCES rules(id) ON DELETE RESTRICT,
        status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT campaigns_dates CHECK (ends_on >= starts_on),
        CONSTRAINT campaigns_some_medium CHECK (audio IS NOT NULL OR display IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX campaigns_unit_idx ON campaigns (unit_id)`);
    await q.query(`ALTER TABLE schedule_entries ADD COLUMN media_asset_ids uuid[]`);
    await q.query(`CREATE INDEX schedule_entries_rule_idx ON schedule_entries (rule_id, starts_at) WHERE rule_id IS NOT NULL`);
    await q.query(changedFunction(true));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(changedFunction(false));
    await q.query(`DROP INDEX schedule_entries_rule_idx`);
    await q.query(`ALTER TABLE schedule_entries DROP COLUMN media_asset_ids`);
    await q.query(`DROP TABLE campaigns`);
  }
}

/** What recompiles a playlist when an entry changes: now also the slides it rotates, and voiding (the compiler leaves voided entries out). */
function changedFunction(withSlides: boolean): string {
  const cols = (x: string) => `${x}.channel_id, ${x}.kind, ${x}.priority, ${withSlides ? `${x}.status IN ('cancelled', 'voided')` : `${x}.status = 'cancelled'`}, ${x}.title, ${x}.program_id, ${x}.media_asset_id, ${x}.stream_url, ${x}.starts_at, ${x}.ends_at${withSlides ? `, ${x}.media_asset_ids` : ''}`;
  return `
    CREATE OR REPLACE FUNCTION schedule_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM mark_playlists_changed(ARRAY(SELECT DISTINCT channel_id FROM new_rows));
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM mark_playlists_changed(ARRAY(SELECT DISTINCT channel_id FROM old_rows));
      ELSE
        PERFORM mark_playlists_changed(ARRAY(
          SELECT DISTINCT x.channel_id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                 LATERAL (VALUES (n.channel_id), (o.channel_id)) AS x(channel_id)
           WHERE (${cols('n')}) IS DISTINCT FROM (${cols('o')})));
      END IF;
      RETURN NULL;
    END $$`;
}
