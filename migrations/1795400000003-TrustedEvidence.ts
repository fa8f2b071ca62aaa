import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence you can trust:
 * - device events that cannot be stored (or are refused) are kept with their reason, never dropped
 *   silently, and never sink the events stored with them;
 * - an event is evidence for an airing only inside the airing (a clock-skew tolerance around it),
 *   one SQL function used by ingestion and reports alike;
 * - history is kept: an airing is voided with a reason, never cancelled after the fact;
 * - periodic jobs run once per tick across instances (a row per job and tick);
 * - the MQTT ingest sessions belong to the deployment, each leased by one live instance.
 */
export class TrustedEvidence1795400000003 implements MigrationInterface {
  name = 'TrustedEvidence1795400000003';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE device_event_rejects (
        id bigserial PRIMARY KEY,
        device_id uuid NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        source varchar(8) NOT NULL CHECK (source IN ('mqtt','http')),
        stage varchar(12) NOT NULL CHECK (stage IN ('validation','database')),
        reason text NOT NULL,
        payload text NOT NULL
      )`);
    await q.query(`CREATE INDEX device_event_rejects_device_idx ON device_event_rejects (device_id, received_at DESC)`);
    await q.query(`CREATE INDEX device_event_rejects_time_idx ON device_event_rejects (received_at DESC)`);

    // Each device event is stored once per (device, eventId) — the protocol's idempotency key — for as
    // long as it could be accepted again (35 days by its time); play_events' own key includes the time
    // (its partitions need it)
    await q.query(`CREATE TABLE device_event_ids (device_id uuid NOT NULL, event_id text NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (device_id, event_id))`);
    await q.query(`CREATE INDEX device_event_ids_at_idx ON device_event_ids (at)`);
    await q.query(`INSERT INTO device_event_ids (device_id, event_id, at) SELECT device_id, event_id, min(at) FROM play_events WHERE at > now() - interval '36 days' GROUP BY 1, 2`);

    // From 2 minutes before the start to 10 minutes after the end (docs/protocol.md, "Evidence").
    await q.query(`
      CREATE FUNCTION is_evidence_time(at timestamptz, starts_at timestamptz, ends_at timestamptz) RETURNS boolean
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT at >= starts_at - interval '2 minutes' AND at <= ends_at + interval '10 minutes' $$`);

    await q.query(`ALTER TABLE schedule_entries DROP CONSTRAINT schedule_entries_status_check`);
    await q.query(`ALTER TABLE schedule_entries ADD CONSTRAINT schedule_entries_status_check CHECK (status IN ('scheduled','aired','missed','cancelled','voided'))`);
    await q.query(`ALTER TABLE schedule_entries ADD COLUMN void_reason text, ADD COLUMN voided_by uuid REFERENCES users(id) ON DELETE SET NULL, ADD COLUMN voided_at timestamptz, ADD COLUMN status_before_void varchar(16)`);
    await q.query(`ALTER TABLE schedule_entries ADD CONSTRAINT schedule_entries_void_has_reason CHECK (status <> 'voided' OR void_reason IS NOT NULL)`);
    await q.query(`ALTER TABLE schedule_entries DROP CONSTRAINT schedule_entries_no_overlap`);
    await q.query(`
      ALTER TABLE schedule_entries ADD CONSTRAINT schedule_entries_no_overlap EXCLUDE USING gist (
        channel_id WITH =, priority WITH =, tstzrange(starts_at, ends_at) WITH &&
      ) WHERE (status NOT IN ('cancelled', 'voided'))`);
    // a planned airing that makes up for one that did not air (withdrawn if that one turns out to have aired)
    await q.query(`ALTER TABLE schedule_entries ADD COLUMN makes_up_entry_id uuid REFERENCES schedule_entries(id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX schedule_entries_makes_up_idx ON schedule_entries (makes_up_entry_id) WHERE makes_up_entry_id IS NOT NULL`);
    // airings the system found not broadcast, for the sweep
    await q.query(`CREATE INDEX schedule_entries_unreported_idx ON schedule_entries (ends_at) WHERE status = 'scheduled' AND evidenced_at IS NULL AND kind = 'airing'`);
    await q.query(`CREATE INDEX schedule_entries_auto_missed_idx ON schedule_entries (id) WHERE status = 'missed' AND confirmed_by IS NULL`);

    // a device over its event rate (or sending what cannot be stored) is flagged in presence
    await q.query(`ALTER TABLE devices ADD COLUMN events_refused bigint NOT NULL DEFAULT 0, ADD COLUMN events_refused_at timestamptz, ADD COLUMN events_refused_reason text`);

    await q.query(`
      CREATE TABLE job_ticks (
        job varchar(64) NOT NULL,
        tick timestamptz NOT NULL,
        instance text NOT NULL,
        ran_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job, tick)
      )`);

    // the deployment's persistent MQTT ingest sessions, each held by one live instance at a time
    await q.query(`CREATE TABLE ingest_leases (session text PRIMARY KEY, holder text, expires_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE ingest_members (holder text PRIMARY KEY, seen_at timestamptz NOT NULL)`);

    // devices whose broker account (Mosquitto dynamic security) must be brought in line with the registry;
    // a new token waits here encrypted until the broker has it
    await q.query(`
      CREATE TABLE broker_sync (
        device_id uuid PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        sealed_token text,
        queued_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE broker_sync`);
    await q.query(`DROP TABLE ingest_members`);
    await q.query(`DROP TABLE ingest_leases`);
    await q.query(`DROP TABLE job_ticks`);
    await q.query(`ALTER TABLE devices DROP COLUMN events_refused, DROP COLUMN events_refused_at, DROP COLUMN events_refused_reason`);
    await q.query(`UPDATE schedule_entries SET status = status_before_void WHERE status = 'voided'`);
    await q.query(`DROP INDEX schedule_entries_unreported_idx`);
    await q.query(`DROP INDEX schedule_entries_auto_missed_idx`);
    await q.query(`ALTER TABLE schedule_entries DROP COLUMN makes_up_entry_id`);
    await q.query(`ALTER TABLE schedule_entries DROP CONSTRAINT schedule_entries_no_overlap`);
    await q.query(`
      ALTER TABLE schedule_entries ADD CONSTRAINT schedule_entries_no_overlap EXCLUDE USING gist (
        channel_id WITH =, priority WITH =, tstzrange(starts_at, ends_at) WITH &&
      ) WHERE (status <> 'cancelled')`);
    await q.query(`ALTER TABLE schedule_entries DROP CONSTRAINT schedule_entries_void_has_reason`);
    await q.query(`ALTER TABLE schedule_entries DROP COLUMN void_reason, DROP COLUMN voided_by, DROP COLUMN voided_at, DROP COLUMN status_before_void`);
    await q.query(`ALTER TABLE schedule_entries DROP CONSTRAINT schedule_entries_status_check`);
    await q.query(`ALTER TABLE schedule_entries ADD CONSTRAINT schedule_entries_status_check CHECK (status IN ('scheduled','aired','missed','cancelled'))`);
    await q.query(`DROP FUNCTION is_evidence_time(timestamptz, timestamptz, timestamptz)`);
    await q.query(`DROP TABLE device_event_rejects`);
    await q.query(`DROP TABLE device_event_ids`);
  }
}
