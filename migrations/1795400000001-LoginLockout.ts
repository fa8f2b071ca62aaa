import { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed sign-ins per account, so guessing a password is slowed on every instance alike. */
export class LoginLockout1795400000001 implements MigrationInterface {
  name = 'LoginLockout1795400000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until`);
  }
}
