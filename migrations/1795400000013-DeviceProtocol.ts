import { MigrationInterface, QueryRunner } from 'typeorm';

/** What a device announces in its status: the protocol it speaks and its optional features (added within v1). */
export class DeviceProtocol1795400000013 implements MigrationInterface {
  name = 'DeviceProtocol1795400000013';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE devices ADD COLUMN protocol varchar(32), ADD COLUMN features text[]`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE devices DROP COLUMN protocol, DROP COLUMN features`);
  }
}
