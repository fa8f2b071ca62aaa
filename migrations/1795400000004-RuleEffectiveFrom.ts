import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rule takes effect from a date (definition.from); rules made before this had none and judged
 * every period back in time — months before they existed showed as "không đạt". They take effect
 * from the day they were made, in their unit's time zone (editable afterwards).
 */
export class RuleEffectiveFrom1795400000004 implements MigrationInterface {
  name = 'RuleEffectiveFrom1795400000004';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE rules r SET definition = jsonb_set(r.definition, '{from}', to_jsonb(to_char(r.created_at AT TIME ZONE u.timezone, 'YYYY-MM-DD')))
        FROM units u WHERE u.id = r.unit_id AND NOT (r.definition ? 'from')`);
  }

  public async down(): Promise<void> {
    // the dates stay: they are valid rule data either way
  }
}
