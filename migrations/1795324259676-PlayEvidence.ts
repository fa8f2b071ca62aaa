import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device play events (evidence), partitioned by month for ten years of history, stored once per
 * (device, eventId, at) — a device re-sends the same event with the same id and time. The first
 * play.completed of an entry marks the entry evidenced, so compliance reads entries, not events.
 */
export class PlayEvidence1795324259676 implements MigrationInterface {
  name = 'PlayEvidence1795324259676';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedule_entries ADD COLUMN evidenced_at timestamptz`);
    await q.query(`
      CREATE TABLE play_events (
        device_id uuid NOT NULL,
        event_id text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 128),
        at timestamptz NOT NULL,
        type varchar(24) NOT NULL CHECK (type IN ('play.started','play.completed','play.failed','playlist.applied','media.downloaded','media.failed','alert.played')),
        channel_id uuid NOT NULL,
        entry_id uuid,
        playlist_version integer,
        detail jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (device_id, event_id, at)
      ) PARTITION BY RANGE (at)`);
    await q.query(`CREATE INDEX play_events_entry_idx ON play_events (entry_id, type) WHERE entry_id IS NOT NULL`);
    await q.query(`CREATE TABLE play_events_default PARTITION OF play_events DEFAULT`);
    // Creates the monthly partitions from the month of 'start' for 'months' months; idempotent.
    await q.query(`
      CREATE FUNCTION ensure_play_event_partitions(start date, months int) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE m date; name text;
      BEGIN
        FOR i IN 0 .. months - 1 LOOP
          m := (date_trunc('month', start) + make_interval(months => i))::date;
          name := 'play_events_' || to_char(m, 'YYYY_MM');
          IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF play_events FOR VALUES FROM (%L) TO (%L)', name, m, (m + interval '1 month')::date);
          END IF;
        END LOOP;
      END $$`);
    await q.query(`SELECT ensure_play_event_partitions((now() - interval '2 months')::date, 15)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE play_events`);
    await q.query(`DROP FUNCTION ensure_play_event_partitions(date, int)`);
    await q.query(`ALTER TABLE schedule_entries DROP COLUMN evidenced_at`);
  }
}
