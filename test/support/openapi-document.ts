import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';

const ROOT = join(__dirname, '..', '..');

/**
 * The API's OpenAPI document as `nest build` makes it: under jest (isolated modules) the swagger
 * CLI plugin does not run, so its metadata (DTO properties and their class-validator constraints)
 * is generated here with the plugin's read-only visitor, then loaded before the document is built.
 */
export async function openApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  // (required lazily: the CLI's generator is a development tool)
  const { PluginMetadataGenerator } = await import('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ReadonlyVisitor } = require('@nestjs/swagger/plugin') as { ReadonlyVisitor: new (options: object) => never };
  const outputDir = join(ROOT, 'test-output', 'openapi');
  mkdirSync(outputDir, { recursive: true });
  new PluginMetadataGenerator().generate({
    visitors: [new ReadonlyVisitor({ introspectComments: true, classValidatorShim: true, pathToSource: join(ROOT, 'src') })],
    outputDir,
    filename: 'generated.ts',
    watch: false,
    tsconfigPath: relative(process.cwd(), join(ROOT, 'tsconfig.build.json')), // (the CLI wants it relative)
  });
  // the generator writes imports relative to src/; the file lives in test-output/
  const file = join(outputDir, 'generated.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/(import\(")\.\//g, `$1${join(ROOT, 'src')}/`));
  const metadata = (await import(file)).default as () => Promise<Record<string, unknown>>;
  await SwaggerModule.loadPluginMetadata(metadata);
  return SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
}
