import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A legacy wired or FM station fed by an integration box (the box plays the channel's playlist into
 * the station's amplifier or transmitter) is a device of the station like a cluster.
 */
export class IntegrationDevices1795400000011 implements MigrationInterface {
  name = 'IntegrationDevices1795400000011';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE devices DROP CONSTRAINT devices_kind_check`);
    await q.query(`ALTER TABLE devices ADD CONSTRAINT devices_kind_check CHECK (kind IN ('speaker', 'led', 'integration'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE devices DROP CONSTRAINT devices_kind_check`);
    await q.query(`ALTER TABLE devices ADD CONSTRAINT devices_kind_check CHECK (kind IN ('speaker', 'led'))`);
  }
}
