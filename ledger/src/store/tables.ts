// The DynamoDB tables, defined once: `npm start` and the tests create them from these definitions, and
// the Terraform parity test (test/terraform) checks terraform/ declares the same keys, indexes and TTL.
// Item layout: see ledger/src/store/README.md.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}${logicalName}`. */
  logicalName: string;
  partitionKey: string;
  sortKey: string;
  /** Global secondary indexes: all project ALL attributes. */
  globalIndexes: ReadonlyArray<{ name: string; partitionKey: string; sortKey: string }>;
  /** The attribute DynamoDB TTL deletes items by (epoch seconds), or null. */
  ttlAttribute: string | null;
}

export const LEDGER_TABLE: TableDefinition = {
  logicalName: 'ledger',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  ttlAttribute: 'purge_at',
};

export const ROLLUPS_TABLE: TableDefinition = {
  logicalName: 'rollups',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [],
  ttlAttribute: 'purge_at',
};

export const TABLES: readonly TableDefinition[] = [LEDGER_TABLE, ROLLUPS_TABLE];

export const TABLE_PREFIX_DEFAULT = 'fleeex-';

export function physicalTableName(prefix: string, table: TableDefinition): string {
  return `${prefix}${table.logicalName}`;
}

/** The CreateTable input for a definition: on-demand billing, string keys. */
export function createTableInput(prefix: string, table: TableDefinition): CreateTableCommandInput {
  const keyAttributes = new Set<string>([table.partitionKey, table.sortKey]);
  for (const index of table.globalIndexes) {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
  }
  return {
    TableName: physicalTableName(prefix, table),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: table.partitionKey, KeyType: 'HASH' },
      { AttributeName: table.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: table.globalIndexes.length
      ? table.globalIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }))
      : undefined,
  };
}
