import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Acoustic proof of airing: a player with a monitor input reports `play.monitored` (signatures of
 * what it heard); the service compares them with the delivered file and keeps the verdict. The
 * check is its own row (the event stays as the device sent it); the entry carries the best verdict
 * so that compliance reads entries, as for `play.completed`; the device carries the flag
 * "không có âm thanh" while its monitor hears nothing of what it plays.
 */
export class AcousticEvidence1795400000012 implements MigrationInterface {
  name = 'AcousticEvidence1795400000012';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE play_events DROP CONSTRAINT play_events_type_check`);
    await q.query(`ALTER TABLE play_events ADD CONSTRAINT play_events_type_check CHECK (type IN ('play.started','play.completed','play.failed','playlist.applied','media.downloaded','media.failed','alert.played','play.monitored'))`);
    await q.query(`
      CREATE TABLE acoustic_checks (
        device_id uuid NOT NULL REFERENCES devices(id),
        event_id text NOT NULL,
        at timestamptz NOT NULL,
        entry_id uuid NOT NULL REFERENCES schedule_entries(id),
        channel_id uuid NOT NULL,
        windows jsonb NOT NULL,
        verdict varchar(16) NOT NULL DEFAULT 'pending' CHECK (verdict IN ('pending', 'heard', 'not-heard', 'silent', 'unverifiable')),
        score real,
        lag_ms integer,
        level_db real,
        reason text,
        received_at timestamptz NOT NULL DEFAULT now(),
        checked_at timestamptz,
        PRIMARY KEY (device_id, event_id)
      )`);
    await q.query(`CREATE INDEX acoustic_checks_pending_idx ON acoustic_checks (received_at) WHERE verdict = 'pending'`);
    await q.query(`CREATE INDEX acoustic_checks_entry_idx ON acoustic_checks (entry_id)`);
    // the best verdict of the entry's checks: heard > not-heard > silent (unverifiable and pending leave it)
    await q.query(`ALTER TABLE schedule_entries ADD COLUMN acoustic varchar(16) CHECK (acoustic IN ('heard', 'not-heard', 'silent')), ADD COLUMN acoustic_score real`);
    await q.query(`ALTER TABLE devices ADD COLUMN monitor_seen_at timestamptz, ADD COLUMN silent_since timestamptz, ADD COLUMN silent_entry_id uuid`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE devices DROP COLUMN monitor_seen_at, DROP COLUMN silent_since, DROP COLUMN silent_entry_id`);
    await q.query(`ALTER TABLE schedule_entries DROP COLUMN acoustic, DROP COLUMN acoustic_score`);
    await q.query(`DROP TABLE acoustic_checks`);
    await q.query(`DELETE FROM play_events WHERE type = 'play.monitored'`);
    await q.query(`ALTER TABLE play_events DROP CONSTRAINT play_events_type_check`);
    await q.query(`ALTER TABLE play_events ADD CONSTRAINT play_events_type_check CHECK (type IN ('play.started','play.completed','play.failed','playlist.applied','media.downloaded','media.failed','alert.played'))`);
  }
}
