import { MigrationInterface, QueryRunner } from 'typeorm';

/** LED/LCD board content: images, clips and text slides rendered to a board's size. */
export class DisplayMedia1795322723946 implements MigrationInterface {
  name = 'DisplayMedia1795322723946';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE media_assets DROP CONSTRAINT media_assets_kind_check`);
    await q.query(`ALTER TABLE media_assets ADD CONSTRAINT media_assets_kind_check CHECK (kind IN ('audio','image','clip','slide'))`);
    await q.query(`ALTER TABLE media_assets ADD COLUMN width smallint CHECK (width BETWEEN 16 AND 7680)`);
    await q.query(`ALTER TABLE media_assets ADD COLUMN height smallint CHECK (height BETWEEN 16 AND 4320)`);
    await q.query(`ALTER TABLE media_assets ADD COLUMN display_ms integer CHECK (display_ms BETWEEN 1000 AND 3600000)`);
    await q.query(`ALTER TABLE media_assets ADD COLUMN slide jsonb`);
    await q.query(`ALTER TABLE media_assets ADD CONSTRAINT media_display_has_size CHECK (kind = 'audio' OR (width IS NOT NULL AND height IS NOT NULL AND display_ms IS NOT NULL))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM media_assets WHERE kind <> 'audio'`);
    await q.query(`ALTER TABLE media_assets DROP CONSTRAINT media_display_has_size`);
    await q.query(`ALTER TABLE media_assets DROP COLUMN slide, DROP COLUMN display_ms, DROP COLUMN height, DROP COLUMN width`);
    await q.query(`ALTER TABLE media_assets DROP CONSTRAINT media_assets_kind_check`);
    await q.query(`ALTER TABLE media_assets ADD CONSTRAINT media_assets_kind_check CHECK (kind IN ('audio'))`);
  }
}
