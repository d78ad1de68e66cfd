// Reads usage reports from the rollups. Bounded: at most USAGE_QUERY_DAYS_MAX days per query (the
// schema refuses more), so an app's query reads at most that many days times its models.
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type AdminUsage, type AdminUsageRow, type AppUsage, daySpan, type UsageQuery } from '../../../shared/contracts/usage';
import { rollupKeys } from './rollups';

const QUERY_PAGES_MAX = 50;
const MS_PER_DAY = 86_400_000;

type Totals = Omit<AdminUsageRow, 'day' | 'model'>;

function zeroTotals(): Totals {
  return { calls: 0, input_tokens: 0, output_tokens: 0, cost_micros: 0, provider_cost_micros: 0, margin_micros: 0, written_off_micros: 0 };
}

function addRow(into: Totals, item: Record<string, unknown>): Totals {
  into.calls += num(item.calls);
  into.input_tokens += num(item.input_tokens);
  into.output_tokens += num(item.output_tokens);
  into.cost_micros += num(item.charged_micros);
  into.provider_cost_micros += num(item.provider_cost_micros);
  into.margin_micros += num(item.margin_micros);
  into.written_off_micros += num(item.written_off_micros);
  return into;
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

export class UsageReader {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly rollupsTableName: string,
  ) {}

  /** Operators: one app, or every app when appId is null. */
  async adminUsage(appId: string | null, query: UsageQuery): Promise<AdminUsage> {
    const items = appId === null ? await this.allAppsItems(query) : await this.appItems(appId, query);
    return { object: 'usage', app_id: appId, from: query.from, to: query.to, group_by: query.group_by, ...group(items, query) };
  }

  /** An app's own usage, without provider cost, margin or write-offs (fleeex's economics). */
  async appUsage(appId: string, query: UsageQuery): Promise<AppUsage> {
    const report = await this.adminUsage(appId, query);
    const strip = ({ provider_cost_micros: _p, margin_micros: _m, written_off_micros: _w, ...row }: Totals & Partial<AdminUsageRow>) => row;
    return {
      ...report,
      app_id: appId,
      data: report.data.map((row) => strip(row) as AppUsage['data'][number]),
      totals: strip(report.totals),
    };
  }

  /** The app's per-day items (group by day) or per-day-per-model items (group by model). */
  private async appItems(appId: string, query: UsageQuery): Promise<Array<Record<string, unknown>>> {
    const items = await this.queryAll({
      pk: rollupKeys.appDay(appId, query.from).pk,
      between: [`DAY#${query.from}`, `DAY#${query.to}#~`],
    });
    const kind = query.group_by === 'day' ? 'app_day' : 'app_model_day';
    return items.filter((item) => item.kind === kind);
  }

  /** Every app: the (day, model) items of each day in the range. */
  private async allAppsItems(query: UsageQuery): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    const start = Date.parse(`${query.from}T00:00:00Z`);
    for (let offset = 0; offset < daySpan(query.from, query.to); offset++) {
      const day = new Date(start + offset * MS_PER_DAY).toISOString().slice(0, 10);
      items.push(...(await this.queryAll({ pk: rollupKeys.modelDay(day, '').pk })));
    }
    return items;
  }

  private async queryAll(input: { pk: string; between?: [string, string] }): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let cursor: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < QUERY_PAGES_MAX; page++) {
      const response = await this.dynamo.send(
        new QueryCommand({
          TableName: this.rollupsTableName,
          KeyConditionExpression: input.between ? 'pk = :pk AND sk BETWEEN :low AND :high' : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': { S: input.pk },
            ...(input.between ? { ':low': { S: input.between[0] }, ':high': { S: input.between[1] } } : {}),
          },
          ExclusiveStartKey: cursor,
        }),
      );
      items.push(...(response.Items ?? []).map((item) => unmarshall(item)));
      cursor = response.LastEvaluatedKey;
      if (!cursor) return items;
    }
    throw new Error(`usage query over ${input.pk} exceeded ${QUERY_PAGES_MAX} pages`);
  }
}

function group(items: Array<Record<string, unknown>>, query: UsageQuery): { data: AdminUsageRow[]; totals: Totals } {
  const rows = new Map<string, AdminUsageRow>();
  const totals = zeroTotals();
  for (const item of items) {
    const day = String(item.day);
    const model = String(item.model ?? '');
    const id = query.group_by === 'day' ? day : model;
    const row = rows.get(id) ?? {
      day: query.group_by === 'day' ? day : null,
      model: query.group_by === 'model' ? model : null,
      ...zeroTotals(),
    };
    rows.set(id, addRow(row, item) as AdminUsageRow);
    addRow(totals, item);
  }
  const data = [...rows.values()].sort((a, b) => (a.day ?? a.model ?? '').localeCompare(b.day ?? b.model ?? ''));
  return { data, totals };
}
