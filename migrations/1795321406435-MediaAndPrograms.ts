import { MigrationInterface, QueryRunner } from 'typeorm';

/** Durable jobs, media assets (content-addressed delivery files) and programs with approval. */
export class MediaAndPrograms1795321406435 implements MigrationInterface {
  name = 'MediaAndPrograms1795321406435';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jobs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        queue text NOT NULL,
        payload jsonb NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('queued','running','done','failed')),
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
        run_at timestamptz NOT NULL DEFAULT now(),
        locked_by text,
        locked_until timestamptz,
        last_error text,
        singleton_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX jobs_claim_idx ON jobs (queue, run_at) WHERE status IN ('queued','running')`);
    await q.query(`CREATE UNIQUE INDEX jobs_singleton_key ON jobs (queue, singleton_key) WHERE singleton_key IS NOT NULL AND status IN ('queued','running')`);

    await q.query(`
      CREATE TABLE media_assets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        kind varchar(16) NOT NULL CHECK (kind IN ('audio')),
        status varchar(16) NOT NULL CHECK (status IN ('processing','ready','rejected')),
        title text NOT NULL,
        original_name text NOT NULL,
        original_bytes bigint NOT NULL CHECK (original_bytes > 0),
        original_format text,
        original_codec text,
        original_duration_ms integer,
        upload_path text,
        progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        sha256 char(64),
        bytes bigint,
        mime text,
        duration_ms integer,
        codec text,
        sample_rate integer,
        channels smallint,
        loudness_before_lufs real,
        loudness_after_lufs real,
        true_peak_after_db real,
        gain_db real,
        reject_code text,
        reject_reason text,
        idempotency_key text,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT media_ready_has_file CHECK (status <> 'ready' OR (sha256 IS NOT NULL AND bytes IS NOT NULL AND duration_ms IS NOT NULL)),
        CONSTRAINT media_rejected_has_reason CHECK (status <> 'rejected' OR reject_code IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX media_assets_unit_idx ON media_assets (unit_id, created_at DESC)`);
    await q.query(`CREATE INDEX media_assets_sha256_idx ON media_assets (sha256) WHERE sha256 IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX media_assets_idempotency_key ON media_assets (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL`);

    await q.query(`
      CREATE TABLE programs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id uuid NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
        title text NOT NULL CHECK (length(btrim(title)) > 0),
        description text,
        series_id uuid,
        period_start date,
        period_end date,
        tags text[] NOT NULL DEFAULT '{}',
        language varchar(16) NOT NULL DEFAULT 'vi',
        priority varchar(16) NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal','priority','emergency')),
        audio_asset_id uuid NOT NULL REFERENCES media_assets(id) ON DELETE RESTRICT,
        status varchar(16) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','approved','retired')),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        submitted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        approved_by uuid REFERENCES users(id) ON DELETE SET NULL,
        approved_at timestamptz,
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT programs_period_order CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start),
        CONSTRAINT programs_four_eyes CHECK (approved_by IS NULL OR approved_by IS DISTINCT FROM created_by),
        CONSTRAINT programs_approved_has_approver CHECK (status NOT IN ('approved') OR approved_by IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX programs_unit_idx ON programs (unit_id, status)`);
    await q.query(`CREATE INDEX programs_tags_idx ON programs USING gin (tags)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE programs`);
    await q.query(`DROP TABLE media_assets`);
    await q.query(`DROP TABLE jobs`);
  }
}
