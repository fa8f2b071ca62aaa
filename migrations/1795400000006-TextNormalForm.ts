import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Text is stored in Unicode NFC (the API normalises what it receives); what was stored before in
 * another form is normalised, so searches find it. Unit codes are unique whatever their case
 * (T9011 and t9011 are one unit).
 */
export class TextNormalForm1795400000006 implements MigrationInterface {
  name = 'TextNormalForm1795400000006';

  public async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of [['units', 'name'], ['programs', 'title'], ['programs', 'description'], ['media_assets', 'title'], ['channels', 'name'], ['series', 'name'], ['rules', 'name'], ['users', 'display_name'], ['schedule_entries', 'title']]) {
      await q.query(`UPDATE ${table} SET ${column} = normalize(${column}, NFC) WHERE ${column} IS NOT NULL AND ${column} IS NOT NFC NORMALIZED`);
    }
    const dup = await q.query(`SELECT lower(code) AS code, string_agg(code, ', ') AS codes FROM units GROUP BY 1 HAVING count(*) > 1 LIMIT 5`);
    if (dup.length) throw new Error(`unit codes differing only in case must be merged first: ${dup.map((d: { codes: string }) => d.codes).join('; ')}`);
    await q.query(`CREATE UNIQUE INDEX units_code_ci_idx ON units (lower(code))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX units_code_ci_idx`);
  }
}
