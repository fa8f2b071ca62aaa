import { MigrationInterface, QueryRunner } from 'typeorm';

/** Player devices (loudspeaker clusters, LED boards): one channel each, a secret token stored as a hash. */
export class Devices1795326628737 implements MigrationInterface {
  name = 'Devices1795326628737';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE RESTRICT,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        kind varchar(16) NOT NULL CHECK (kind IN ('speaker','led')),
        token_hash char(64) NOT NULL,
        revoked_at timestamptz,
        lat double precision CHECK (lat BETWEEN -90 AND 90),
        lng double precision CHECK (lng BETWEEN -180 AND 180),
        village text,
        agent_version text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX devices_channel_idx ON devices (channel_id)`);
    // HTTP requests carry only the token: it is found by its hash.
    await q.query(`CREATE UNIQUE INDEX devices_token_hash_key ON devices (token_hash)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE devices`);
  }
}
