import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { contractDir } from './device-contract';

const ROOT = join(__dirname, '..', '..', '..');
interface Schema {
  properties?: Record<string, Schema & { enum?: string[]; const?: unknown }>;
  required?: string[];
  items?: Schema;
  enum?: string[];
}
const schema = (name: string): Schema => JSON.parse(readFileSync(join(contractDir(), 'schemas', `${name}.schema.json`), 'utf8'));

/** An interface's properties as written in a source file: name → { optional, string literals of its type }. */
function shapeOf(file: string, name: string): Map<string, { optional: boolean; literals: string[] }> {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const aliases = new Map<string, ts.TypeNode>();
  let found: ts.InterfaceDeclaration | undefined;
  source.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n) && n.name.text === name) found = n;
    if (ts.isTypeAliasDeclaration(n)) aliases.set(n.name.text, n.type);
  });
  if (!found) throw new Error(`${name} not found in ${file}`);
  const literals = (t: ts.TypeNode | undefined): string[] => {
    if (!t) return [];
    if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && aliases.has(t.typeName.text)) return literals(aliases.get(t.typeName.text));
    if (ts.isUnionTypeNode(t)) return t.types.flatMap(literals);
    if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) return [t.literal.text];
    return [];
  };
  const out = new Map<string, { optional: boolean; literals: string[] }>();
  for (const m of found.members) {
    if (ts.isPropertySignature(m) && m.name && ts.isIdentifier(m.name)) out.set(m.name.text, { optional: !!m.questionToken, literals: literals(m.type).sort() });
  }
  return out;
}

/** Every property of the type is in the schema with the same optionality and the same string values, and the other way round. */
function expectSameShape(file: string, type: string, s: Schema, opts: { allowExtraInSchema?: string[]; producer?: boolean } = {}) {
  const shape = shapeOf(file, type);
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const mismatches: string[] = [];
  for (const [name, p] of shape) {
    if (!props[name]) mismatches.push(`${type}.${name} is not in the schema`);
    else {
      // a side that writes the payload may always send what the schema lets it omit; any other difference is a drift
      if (p.optional ? required.has(name) : !required.has(name) && !opts.producer) mismatches.push(`${type}.${name} is ${p.optional ? 'optional' : 'required'} in the type, not in the schema`);
      const values = props[name].enum ?? (typeof props[name].const === 'string' ? [props[name].const as string] : null);
      if (values && p.literals.length && JSON.stringify([...values].sort()) !== JSON.stringify(p.literals)) mismatches.push(`${type}.${name}: ${p.literals} in the type, ${values} in the schema`);
    }
  }
  for (const name of Object.keys(props)) if (!shape.has(name) && !opts.allowExtraInSchema?.includes(name)) mismatches.push(`schema property ${name} is missing from ${type}`);
  expect(mismatches).toEqual([]);
}

/**
 * The contract is the single source: the types both sides write payloads with are checked against
 * its schemas here, so neither side can drift from it (or from each other) without a failing test.
 */
describe('the protocol types of the player and the service follow docs/contract', () => {
  const playlist = schema('playlist');
  it('player: players/src/protocol.ts', () => {
    expectSameShape('players/src/protocol.ts', 'Playlist', playlist);
    expectSameShape('players/src/protocol.ts', 'Entry', playlist.properties!.entries.items!);
    expectSameShape('players/src/protocol.ts', 'Media', schema('media'));
    expectSameShape('players/src/protocol.ts', 'Alert', schema('alert'));
    expectSameShape('players/src/protocol.ts', 'Command', schema('command'));
    expectSameShape('players/src/protocol.ts', 'DeviceEvent', schema('event'), { producer: true });
    expectSameShape('players/src/protocol.ts', 'Status', schema('status'), { producer: true });
  });

  it('service: what it publishes and what it accepts', () => {
    expectSameShape('src/distribution/playlist.ts', 'PlaylistEntry', playlist.properties!.entries.items!);
    expectSameShape('src/distribution/playlist.ts', 'PlaylistMedia', schema('media'));
    expectSameShape('src/devices/device-event.ts', 'DeviceEventDto', schema('event'));
  });

  it('fails on a drift (the check itself)', () => {
    expect(() => expectSameShape('players/src/protocol.ts', 'Media', { properties: { sha256: {} }, required: [] })).toThrow();
  });
});
