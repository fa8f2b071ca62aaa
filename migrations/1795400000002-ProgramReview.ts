import { MigrationInterface, QueryRunner } from 'typeorm';

/** A reviewer returning a program says why; the note stays until the program is submitted again. */
export class ProgramReview1795400000002 implements MigrationInterface {
  name = 'ProgramReview1795400000002';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programs ADD COLUMN review_note text, ADD COLUMN reviewed_by uuid REFERENCES users(id), ADD COLUMN reviewed_at timestamptz`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE programs DROP COLUMN review_note, DROP COLUMN reviewed_by, DROP COLUMN reviewed_at`);
  }
}
