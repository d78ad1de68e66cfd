// Creates the tables from ./tables.ts when missing and turns TTL on. Safe to call concurrently and
// repeatedly (a table created by someone else in between is fine).
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition, createTableInput, physicalTableName } from './tables';

const TABLE_WAIT_SECONDS_MAX = 60;

async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

async function ensureTable(client: DynamoDBClient, prefix: string, table: TableDefinition): Promise<void> {
  const name = physicalTableName(prefix, table);
  if (!(await tableExists(client, name))) {
    try {
      await client.send(new CreateTableCommand(createTableInput(prefix, table)));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
    }
    await waitUntilTableExists({ client, maxWaitTime: TABLE_WAIT_SECONDS_MAX, minDelay: 1, maxDelay: 2 }, { TableName: name });
  }
  if (table.ttlAttribute) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        }),
      );
    } catch (error) {
      // Already enabled is reported as a ValidationException; anything else is real.
      if ((error as { name?: string }).name !== 'ValidationException') throw error;
    }
  }
}

/** Creates every table in TABLES under `prefix` (if missing) and enables TTL. */
export async function ensureTables(client: DynamoDBClient, prefix: string, tables: readonly TableDefinition[] = TABLES): Promise<void> {
  await Promise.all(tables.map((table) => ensureTable(client, prefix, table)));
}
