import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Every option a user can pass is documented. The rule, kept simple so a failure says exactly
 * what to write: an option counts as documented when its name appears in backticks (alone,
 * `name`, or dotted under its parent, `email.siteUrl`) on a page that owns that options type
 * (PAGES below). Options of nested config objects (`AuthConfig.email`, `RouterOptions.cors`, …)
 * are checked one level down under their dotted name; the bare leaf in backticks (`siteUrl`, or
 * `{ siteUrl?, … }`) also counts, and a parent is documented by its dotted children.
 */
const ROOT = path.join(__dirname, '..');
/** Which pages document which options type. */
const PAGES: Record<string, string[]> = {
  AuthConfig: ['configuration.md'],
  RouterOptions: ['configuration.md'],
  AdminRouterOptions: ['admin-api.md', 'admin.md'],
  ToolsRouterOptions: ['tools.md', 'inbound-webhooks.md'],
};

/** Every backticked span of `pages`. */
function spansOf(pages: string[]): Set<string> {
  const text = pages.map((page) => readFileSync(path.join(ROOT, 'docs', page), 'utf8')).join('\n');
  return new Set([...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim()));
}

function documented(name: string, spans: Set<string>): boolean {
  const leaf = name.split('.').pop()!;
  const full = new RegExp(`(^|[\\s.{(,])${escape(name)}(\\??:|\\?|\\[|\\s|$|[,)}=])`);
  const bareLeaf = new RegExp(`(^|[\\s{(,])${escape(leaf)}(\\??:|\\?|\\s|$|[,)}=])`);
  for (const span of spans) {
    if (span === name || span === leaf) return true;
    // A parent is documented by its dotted children: `passwordPolicy.minLength`.
    if (span.startsWith(`${name}.`)) return true;
    // `email.siteUrl: 'https://…'`, `cors.origins[]`, `{ selfService: true, allowedScopes? }`.
    if (full.test(span) || (name !== leaf && bareLeaf.test(span))) return true;
  }
  return false;
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const program = ts.createProgram([path.join(ROOT, 'src/index.ts')], {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  skipLibCheck: true,
  experimentalDecorators: true,
});
const checker = program.getTypeChecker();
const entry = program.getSourceFile(path.join(ROOT, 'src/index.ts'))!;
const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(entry)!);

/** The declared type of an interface exported from src/index.ts. */
function exportedType(name: string): ts.Type {
  const symbol = exported.find((s) => s.name === name);
  if (!symbol) throw new Error(`${name} is not exported from src/index.ts`);
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return checker.getDeclaredTypeOfSymbol(target);
}

/**
 * A property's own object type when it is a plain options object (not a function, class
 * instance, array, store or record), else undefined: only those have documented sub-keys.
 */
function nestedOptions(prop: ts.Symbol): ts.Type | undefined {
  const decl = prop.valueDeclaration ?? prop.declarations?.[0];
  if (!decl) return undefined;
  const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(prop, decl));
  const candidates = type.isUnion() ? type.types : [type];
  const objects = candidates.filter(
    (t) =>
      t.flags & ts.TypeFlags.Object &&
      t.getCallSignatures().length === 0 &&
      !checker.isArrayType(t) &&
      !checker.getIndexInfosOfType(t).length,
  );
  if (objects.length !== 1) return undefined;
  const [object] = objects;
  const symbol = object!.getSymbol() ?? object!.aliasSymbol;
  // Only option bags declared in keyward's own source; stores and services are classes or
  // interfaces with methods, documented on their own pages.
  const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
  if (!file.startsWith(path.join(ROOT, 'src'))) return undefined;
  const props = object!.getProperties();
  if (props.length === 0) return undefined;
  const hasMethods = props.some((p) => {
    const d = p.valueDeclaration ?? p.declarations?.[0];
    return d !== undefined && (ts.isMethodSignature(d) || ts.isMethodDeclaration(d));
  });
  return hasMethods ? undefined : object;
}

/** The option names of `typeName`, with nested option objects one level down (dotted). */
function optionNames(typeName: string): string[] {
  const names: string[] = [];
  for (const prop of exportedType(typeName).getProperties()) {
    names.push(prop.name);
    const nested = nestedOptions(prop);
    if (nested) for (const sub of nested.getProperties()) names.push(`${prop.name}.${sub.name}`);
  }
  return names;
}

describe('every option is documented, in backticks on the page that owns its type', () => {
  const cases = Object.entries(PAGES).map(([typeName, pages]) => ({
    typeName,
    pages,
    where: pages.join(' or '),
  }));
  it.each(cases)('$typeName (docs/$where)', ({ typeName, pages }) => {
    const names = optionNames(typeName);
    // The reader found real options (a broken reader would pass on an empty list).
    expect(names.length).toBeGreaterThan(5);
    const spans = spansOf(pages);
    expect(names.filter((name) => !documented(name, spans))).toEqual([]);
  });

  it('reads nested options one level down, e.g. email.siteUrl and cookieOptions.hostPrefix', () => {
    const names = optionNames('AuthConfig');
    expect(names).toEqual(
      expect.arrayContaining(['email', 'email.siteUrl', 'cookieOptions.hostPrefix']),
    );
  });

  it('counts a name as documented only in backticks on an owning page', () => {
    const spans = spansOf(['configuration.md']);
    expect(documented('accessTokenSecret', spans)).toBe(true);
    expect(documented('surelyNotAnOptionName', spans)).toBe(false);
    // Plain prose is not enough: the admin secret is written about, unquoted, elsewhere.
    expect(
      documented('accessTokenSecret', new Set(['accessTokenSecrets', 'x.accessTokenSecretY'])),
    ).toBe(false);
  });
});
