import {
  OperationNodeTransformer,
  SchemableIdentifierNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';
import { TABLES } from './schema';

/** Prefixes only are allowed that need no quoting anywhere: letters, digits, underscores. */
const PREFIX_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,29}$|^$/;

export function assertValidPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(
      `keyward/sql: tablePrefix must be up to 30 letters, digits or underscores, not starting with a digit (got ${JSON.stringify(prefix)})`,
    );
  }
}

class PrefixTransformer extends OperationNodeTransformer {
  constructor(private readonly prefix: string) {
    super();
  }

  protected override transformTable(node: TableNode): TableNode {
    const { schema, identifier } = node.table;
    // Only the store's own logical names: catalog tables read by introspection, the migration
    // tables (named in full) and aliases pass through untouched.
    if (schema || !LOGICAL.has(identifier.name)) return node;
    return {
      kind: 'TableNode',
      table: SchemableIdentifierNode.create(this.prefix + identifier.name),
    };
  }
}

const LOGICAL = new Set<string>(TABLES);

/**
 * Adds `tablePrefix` to every table name when a query is compiled, so the typed queries use the
 * logical names of schema.ts and several prefixes can share one database (tests, tenants).
 */
export class TablePrefixPlugin implements KyselyPlugin {
  private readonly transformer: PrefixTransformer;
  constructor(readonly prefix: string) {
    this.transformer = new PrefixTransformer(prefix);
  }
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node, args.queryId);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
