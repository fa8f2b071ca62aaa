import { MigrationInterface, QueryRunner } from 'typeorm';

/** A person's title (chức vụ), as the reports they prepare name them: "Chuyên viên Phòng Văn hóa và Thông tin". */
export class UserJobTitle1795400000008 implements MigrationInterface {
  name = 'UserJobTitle1795400000008';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN job_title text CHECK (char_length(job_title) <= 200)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN job_title`);
  }
}
