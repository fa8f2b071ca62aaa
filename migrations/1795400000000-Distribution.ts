import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Distribution: compiled playlists per channel (a device's playlist is its channel's, stamped
 * with its id), the queue of channels whose playlist may have changed (filled by triggers on
 * schedule_entries, so every path that changes a schedule is covered), device presence, the
 * Mosquitto password hash of each device token, and emergency alerts.
 */
export class Distribution1795400000000 implements MigrationInterface {
  name = 'Distribution1795400000000';

  public async up(q: QueryRunner): Promise<void> {
    // One sequence for all versions: a playlist's version only ever grows, even if it is rebuilt.
    await q.query(`CREATE SEQUENCE playlist_version_seq`);
    await q.query(`
      CREATE TABLE channel_playlists (
        channel_id uuid PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
        version bigint NOT NULL,
        content_hash char(64) NOT NULL,
        timezone text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        -- json, not jsonb: kept byte for byte as compiled, served as is
        entries json NOT NULL,
        generated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE SEQUENCE playlist_change_seq`);
    await q.query(`
      CREATE TABLE playlist_changes (
        channel_id uuid PRIMARY KEY,
        seq bigint NOT NULL DEFAULT nextval('playlist_change_seq'),
        claimed_by text,
        claimed_until timestamptz
      )`);
    await q.query(`
      CREATE FUNCTION mark_playlists_changed(channel_ids uuid[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO playlist_changes (channel_id)
        SELECT DISTINCT c FROM unnest(channel_ids) AS c WHERE c IS NOT NULL
        ON CONFLICT (channel_id) DO UPDATE SET seq = nextval('playlist_change_seq');
        SELECT pg_notify('bcast_playlists', '');
      $$`);
    // Statement-level triggers: a planner run inserting 60,000 entries marks each channel once.
    await q.query(`
      CREATE FUNCTION schedule_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM mark_playlists_changed(ARRAY(SELECT DISTINCT channel_id FROM new_rows));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM mark_playlists_changed(ARRAY(SELECT DISTINCT channel_id FROM old_rows));
        ELSE
          -- only what a playlist shows; evidence and confirmations do not recompile anything
          PERFORM mark_playlists_changed(ARRAY(
            SELECT DISTINCT x.channel_id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                   LATERAL (VALUES (n.channel_id), (o.channel_id)) AS x(channel_id)
             WHERE (n.channel_id, n.kind, n.priority, n.status = 'cancelled', n.title, n.program_id, n.media_asset_id, n.stream_url, n.starts_at, n.ends_at)
                   IS DISTINCT FROM
                   (o.channel_id, o.kind, o.priority, o.status = 'cancelled', o.title, o.program_id, o.media_asset_id, o.stream_url, o.starts_at, o.ends_at)));
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER schedule_entries_playlist_ins AFTER INSERT ON schedule_entries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schedule_entries_changed()`);
    await q.query(`CREATE TRIGGER schedule_entries_playlist_upd AFTER UPDATE ON schedule_entries REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schedule_entries_changed()`);
    await q.query(`CREATE TRIGGER schedule_entries_playlist_del AFTER DELETE ON schedule_entries REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schedule_entries_changed()`);

    await q.query(`
      ALTER TABLE devices
        ADD COLUMN mosquitto_hash text,
        ADD COLUMN published_version bigint,
        ADD COLUMN online boolean NOT NULL DEFAULT false,
        ADD COLUMN last_seen_at timestamptz,
        ADD COLUMN status_at timestamptz,
        ADD COLUMN acked_playlist_version bigint,
        ADD COLUMN now_playing text,
        ADD COLUMN volume smallint CHECK (volume BETWEEN 0 AND 100),
        ADD COLUMN disk_free_bytes bigint,
        ADD COLUMN uptime_s bigint`);
    // Presence and published versions rewrite device rows all day: room on each page keeps those
    // updates HOT (no index writes).
    await q.query(`ALTER TABLE devices SET (fillfactor = 70)`);

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id),
        title text NOT NULL CHECK (length(btrim(title)) > 0),
        source varchar(16) NOT NULL CHECK (source IN ('program','recording','relay')),
        program_id uuid REFERENCES programs(id),
        media_asset_id uuid REFERENCES media_assets(id),
        stream_url text,
        repeat smallint CHECK (repeat BETWEEN 1 AND 100),
        starts_at timestamptz NOT NULL DEFAULT now(),
        ends_at timestamptz,
        stopped_at timestamptz,
        started_by uuid,
        stopped_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at IS NULL OR ends_at > starts_at)
      )`);
    await q.query(`
      CREATE TABLE alert_channels (
        alert_id uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES channels(id),
        active boolean NOT NULL DEFAULT true,
        PRIMARY KEY (alert_id, channel_id)
      )`);
    // One active alert per channel: the retained alert topic holds one message.
    await q.query(`CREATE UNIQUE INDEX alert_channels_one_active ON alert_channels (channel_id) WHERE active`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_channels`);
    await q.query(`DROP TABLE alerts`);
    await q.query(`ALTER TABLE devices DROP COLUMN mosquitto_hash, DROP COLUMN published_version, DROP COLUMN online, DROP COLUMN last_seen_at, DROP COLUMN status_at, DROP COLUMN acked_playlist_version, DROP COLUMN now_playing, DROP COLUMN volume, DROP COLUMN disk_free_bytes, DROP COLUMN uptime_s`);
    await q.query(`DROP TRIGGER schedule_entries_playlist_ins ON schedule_entries`);
    await q.query(`DROP TRIGGER schedule_entries_playlist_upd ON schedule_entries`);
    await q.query(`DROP TRIGGER schedule_entries_playlist_del ON schedule_entries`);
    await q.query(`DROP FUNCTION schedule_entries_changed()`);
    await q.query(`DROP FUNCTION mark_playlists_changed(uuid[])`);
    await q.query(`DROP TABLE playlist_changes`);
    await q.query(`DROP SEQUENCE playlist_change_seq`);
    await q.query(`DROP TABLE channel_playlists`);
    await q.query(`DROP SEQUENCE playlist_version_seq`);
  }
}
