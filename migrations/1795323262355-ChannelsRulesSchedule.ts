import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channels with broadcast windows, series with declarative rules, and schedule entries in one
 * table. The database itself refuses two overlapping live entries of one channel at the same
 * priority level (exclusion constraint), so two editors racing cannot double-book.
 */
export class ChannelsRulesSchedule1795323262355 implements MigrationInterface {
  name = 'ChannelsRulesSchedule1795323262355';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        kind varchar(16) NOT NULL CHECK (kind IN ('audio','display')),
        windows jsonb NOT NULL DEFAULT '[]',
        days_off date[] NOT NULL DEFAULT '{}',
        max_session_minutes integer CHECK (max_session_minutes > 0),
        max_daily_minutes integer CHECK (max_daily_minutes > 0),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX channels_unit_idx ON channels (unit_id)`);

    await q.query(`
      CREATE TABLE series (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE programs ADD CONSTRAINT programs_series_fk FOREIGN KEY (series_id) REFERENCES series(id) ON DELETE RESTRICT`);
    await q.query(`CREATE INDEX programs_series_idx ON programs (series_id) WHERE series_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        series_id uuid REFERENCES series(id) ON DELETE CASCADE,
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        target_unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        definition jsonb NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rules_target_idx ON rules (target_unit_id) WHERE active`);

    await q.query(`
      CREATE TABLE schedule_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        kind varchar(16) NOT NULL CHECK (kind IN ('airing','relay','slides','announcement','emergency')),
        priority varchar(16) NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal','priority','emergency')),
        status varchar(16) NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','aired','missed','cancelled')),
        source varchar(16) NOT NULL CHECK (source IN ('planner','manual')),
        title text,
        program_id uuid REFERENCES programs(id) ON DELETE RESTRICT,
        media_asset_id uuid REFERENCES media_assets(id) ON DELETE RESTRICT,
        rule_id uuid REFERENCES rules(id) ON DELETE SET NULL,
        period text,
        stream_url text,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        confirmed_by uuid REFERENCES users(id) ON DELETE SET NULL,
        confirmed_at timestamptz,
        missed_reason text,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT schedule_entries_missed_has_reason CHECK (status <> 'missed' OR missed_reason IS NOT NULL),
        CONSTRAINT schedule_entries_order CHECK (ends_at > starts_at),
        CONSTRAINT schedule_entries_airing_has_program CHECK (kind <> 'airing' OR program_id IS NOT NULL),
        CONSTRAINT schedule_entries_relay_has_stream CHECK (kind <> 'relay' OR stream_url IS NOT NULL),
        CONSTRAINT schedule_entries_no_overlap EXCLUDE USING gist (
          channel_id WITH =, priority WITH =, tstzrange(starts_at, ends_at) WITH &&
        ) WHERE (status <> 'cancelled')
      )`);
    await q.query(`CREATE INDEX schedule_entries_channel_time_idx ON schedule_entries (channel_id, starts_at)`);
    await q.query(`CREATE INDEX schedule_entries_program_idx ON schedule_entries (program_id, starts_at) WHERE program_id IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schedule_entries`);
    await q.query(`DROP TABLE rules`);
    await q.query(`ALTER TABLE programs DROP CONSTRAINT programs_series_fk`);
    await q.query(`DROP INDEX programs_series_idx`);
    await q.query(`DROP TABLE series`);
    await q.query(`DROP TABLE channels`);
  }
}
