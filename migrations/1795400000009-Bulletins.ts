import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulletins from above with the three levels of Circular 39/2020/TT-BTTTT: one row per bulletin and
 * one delivery per commune loudspeaker channel it reaches, with what the commune did with it.
 */
export class Bulletins1795400000009 implements MigrationInterface {
  name = 'Bulletins1795400000009';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bulletins (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id),
        target_unit_id uuid NOT NULL REFERENCES units(id),
        level varchar(12) NOT NULL CHECK (level IN ('normal', 'priority', 'emergency')),
        source varchar(12) NOT NULL CHECK (source IN ('central', 'province', 'district')),
        title text NOT NULL CHECK (length(btrim(title)) > 0),
        media_asset_id uuid NOT NULL REFERENCES media_assets(id),
        duration_ms integer NOT NULL CHECK (duration_ms > 0),
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        alert_id uuid REFERENCES alerts(id),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bulletins_validity CHECK (valid_until > valid_from)
      )`);
    await q.query(`
      CREATE TABLE bulletin_deliveries (
        bulletin_id uuid NOT NULL REFERENCES bulletins(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id),
        status varchar(12) NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'placed', 'declined', 'alerted')),
        entry_id uuid REFERENCES schedule_entries(id),
        position smallint,
        decline_reason text,
        note text,
        handled_by uuid REFERENCES users(id) ON DELETE SET NULL,
        handled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bulletin_id, channel_id),
        CONSTRAINT bulletin_declined_has_reason CHECK (status <> 'declined' OR decline_reason IS NOT NULL),
        CONSTRAINT bulletin_placed_has_entry CHECK (status <> 'placed' OR entry_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX bulletin_deliveries_channel_idx ON bulletin_deliveries (channel_id, status)`);
    await q.query(`CREATE INDEX bulletins_valid_idx ON bulletins (valid_until)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bulletin_deliveries`);
    await q.query(`DROP TABLE bulletins`);
  }
}
