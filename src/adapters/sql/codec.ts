import {
  OperationNodeTransformer,
  ValueNode,
  PrimitiveValueListNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

// ---------------------------------------------------------------------------------------------
// Text on PostgreSQL
//
// PostgreSQL `text` cannot hold U+0000 (the server rejects it), while every other dialect and
// every JavaScript string can. Rather than switch all text to `bytea` (unreadable in psql, no
// lower()/LIKE on text semantics), text values are stored under a reversible escape:
//
//   "\" → "\\"     U+0000 → "\0"     every other character unchanged
//
// The mapping is injective and applied to whole values, so equality, uniqueness and ordering of
// encoded values match those of the originals for exact look-ups (tokens, emails, ids), and a
// value without "\" or U+0000 is stored exactly as given. It is applied in one layer, the plugin
// below, to every string parameter of every query and every string of every result row on
// PostgreSQL; the stores never see encoded text. Substring search is the one operation where
// encoded text behaves differently (a match could start inside an escape); dialect.ts handles it.
// ---------------------------------------------------------------------------------------------

export function encodePgText(value: string): string {
  if (!value.includes('\\') && !value.includes('\u0000')) return value;
  return value.replaceAll('\\', '\\\\').replaceAll('\u0000', '\\0');
}

export function decodePgText(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\([\\0])/g, (_m, c: string) => (c === '0' ? '\u0000' : '\\'));
}

/** A parameter that is already in the encoded form (a regular expression over stored text). */
export class EncodedText {
  constructor(readonly text: string) {}
}

function encodeParam(value: unknown): unknown {
  if (typeof value === 'string') return encodePgText(value);
  if (value instanceof EncodedText) return value.text;
  return value;
}

class EncodeTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = encodeParam(node.value);
    if (value === node.value) return node;
    return node.immediate ? ValueNode.createImmediate(value) : ValueNode.create(value);
  }
  protected override transformPrimitiveValueList(
    node: PrimitiveValueListNode,
  ): PrimitiveValueListNode {
    return PrimitiveValueListNode.create(node.values.map(encodeParam));
  }
}

/** Applies the PostgreSQL text encoding to parameters and decodes result strings. */
export class PostgresTextPlugin implements KyselyPlugin {
  private readonly transformer = new EncodeTransformer();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node, args.queryId);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const { result } = args;
    // Numeric strings (BIGINT, COUNT) contain no backslash and decode to themselves.
    const rows = result.rows.map((row) => {
      const out: UnknownRow = {};
      for (const [key, value] of Object.entries(row)) {
        out[key] = typeof value === 'string' ? decodePgText(value) : value;
      }
      return out;
    });
    return { ...result, rows };
  }
}

// ---------------------------------------------------------------------------------------------
// Instants, flags and JSON: the one place where column values become JavaScript values.
// ---------------------------------------------------------------------------------------------

/** A Date (or anything `new Date()` accepts, as the user-store contract allows) to epoch ms. */
export function toMillis(value: Date | string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
  if (!Number.isFinite(ms)) throw new TypeError(`Not a valid date: ${String(value)}`);
  return ms;
}

/** A BIGINT as the driver returned it (string, number or bigint) to a Date. */
export function fromMillis(value: string | number | bigint | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return new Date(Number(value));
}

export function requireMillis(value: string | number | bigint): Date {
  return new Date(Number(value));
}

export function toFlag(value: boolean | null | undefined): number {
  return value ? 1 : 0;
}

export function fromFlag(value: string | number | bigint | null | undefined): boolean {
  return value !== null && value !== undefined && Number(value) !== 0;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string | null | undefined): T | undefined {
  if (text === null || text === undefined) return undefined;
  return JSON.parse(text) as T;
}

/** A COUNT(*) as returned by the driver. */
export function toCount(value: string | number | bigint | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}
