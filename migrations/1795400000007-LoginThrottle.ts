import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wrong passwords are counted per account and client address: a stranger failing five logins makes
 * only their own address wait (growing waits after each lockout), not the account's owner.
 */
export class LoginThrottle1795400000007 implements MigrationInterface {
  name = 'LoginThrottle1795400000007';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        address text NOT NULL,
        failures int NOT NULL DEFAULT 0,
        lockouts int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, address)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
  }
}
