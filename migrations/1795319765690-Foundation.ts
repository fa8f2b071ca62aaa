import { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisation tree, people, and the append-only audit log. */
export class Foundation1795319765690 implements MigrationInterface {
  name = 'Foundation1795319765690';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY,
        code varchar(32) NOT NULL,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        kind varchar(16) NOT NULL CHECK (kind IN ('national','province','district','commune','village')),
        parent_id uuid REFERENCES units(id) ON DELETE RESTRICT,
        path text NOT NULL,
        depth smallint NOT NULL CHECK (depth >= 0),
        timezone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT units_code_key UNIQUE (code),
        CONSTRAINT units_path_key UNIQUE (path),
        CONSTRAINT units_path_ends_with_id CHECK (right(path, 37) = id::text || '/'),
        CONSTRAINT units_root_has_no_parent CHECK ((parent_id IS NULL) = (depth = 0))
      )`);
    await q.query(`CREATE INDEX units_path_prefix_idx ON units (path text_pattern_ops)`);
    await q.query(`CREATE INDEX units_parent_idx ON units (parent_id)`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(64) NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('admin','editor','operator','viewer')),
        unit_id uuid REFERENCES units(id) ON DELETE RESTRICT,
        active boolean NOT NULL DEFAULT true,
        token_version integer NOT NULL DEFAULT 0,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_username_key UNIQUE (username),
        CONSTRAINT users_unit_required CHECK (role = 'admin' OR unit_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX users_unit_idx ON users (unit_id)`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_name text NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text,
        unit_path text,
        changes jsonb,
        request_id text
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`CREATE INDEX audit_log_unit_path_idx ON audit_log (unit_path text_pattern_ops, at)`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id)`);
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_is_append_only()`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE units`);
  }
}
