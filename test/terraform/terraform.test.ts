// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform expressions are "${...}" strings by design.
// Checks terraform/ without a terraform binary: every file parses (real HCL parser), every reference
// resolves, every variable is described and typed, the resources the deployment needs exist with the
// settings it needs, no policy grants wildcard data access, and the tables equal what the code creates.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../gateway/src/config';
import { parseLedgerConfig } from '../../ledger/src/config';
import { parseOwnerConfig } from '../../ledger/src/owner/config';
import { TABLES } from '../../ledger/src/store/tables';
import { seedPriceVersion } from '../../shared/price-seed';
import { PriceVersionInputSchema } from '../../shared/pricing';
import {
  type Body,
  blocks,
  childScope,
  evaluate,
  isBody,
  loadTerraform,
  moduleCallProblems,
  one,
  rootScope,
  type Scope,
  type TfModule,
  unresolvedReferences,
  walkStrings,
} from './hcl';

const REPO = join(import.meta.dirname, '..', '..');
const TERRAFORM = join(REPO, 'terraform');
const PROD = 'terraform/environments/prod';

let modules: Map<string, TfModule>;
let prod: Scope;

beforeAll(async () => {
  modules = await loadTerraform(REPO, TERRAFORM);
  prod = rootScope(mod(PROD));
});

function mod(dir: string): TfModule {
  const found = modules.get(dir);
  if (!found) throw new Error(`no Terraform module at ${dir}`);
  return found;
}

function resource(module: TfModule, type: string, name: string): Body {
  const found = module.resources[type]?.[name];
  if (!found) throw new Error(`${module.dir}: no resource ${type}.${name}`);
  return found;
}

function allOf(kind: 'resources' | 'data', type: string): Array<{ module: TfModule; name: string; body: Body }> {
  return [...modules.values()].flatMap((module) =>
    Object.entries(module[kind][type] ?? {}).map(([name, body]) => ({ module, name, body })),
  );
}

function scopeOf(callName: string): Scope {
  return childScope(REPO, modules, prod, callName);
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`expected a list of strings, got ${JSON.stringify(value)}`);
  }
  return value;
}

describe('terraform: every file parses and every name resolves', () => {
  it('finds the modules and the prod environment', () => {
    for (const name of ['network', 'tables', 'queues', 'secrets', 'mail', 'load_balancers', 'ecs_service', 'jobs', 'alarms', 'edge_access']) {
      expect(modules.has(`terraform/modules/${name}`), name).toBe(true);
    }
    expect(modules.has(PROD)).toBe(true);
  });

  it('declares nothing twice', () => {
    expect([...modules.values()].flatMap((module) => module.duplicates.map((d) => `${module.dir}: ${d}`))).toEqual([]);
  });

  it('resolves every reference to a variable, local, data source, resource or module output', async () => {
    const problems: string[] = [];
    for (const module of modules.values()) problems.push(...(await unresolvedReferences(REPO, module, modules)));
    expect(problems).toEqual([]);
  });

  it('passes every module exactly the variables it declares, and all required ones', () => {
    expect([...modules.values()].flatMap((module) => moduleCallProblems(REPO, module, modules))).toEqual([]);
  });

  it('gives every variable a description and a type, and every output a description', () => {
    const problems: string[] = [];
    for (const module of modules.values()) {
      for (const [name, variable] of Object.entries(module.variables)) {
        if (typeof variable['description'] !== 'string' || variable['description'].length < 10) problems.push(`${module.dir}: var.${name} description`);
        if (typeof variable['type'] !== 'string' || !variable['type'].startsWith('${')) problems.push(`${module.dir}: var.${name} type`);
      }
      for (const [name, output] of Object.entries(module.outputs)) {
        if (typeof output['description'] !== 'string' || output['description'].length < 10) problems.push(`${module.dir}: output ${name} description`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses every declared variable somewhere', () => {
    const problems: string[] = [];
    for (const module of modules.values()) {
      const text = module.files.map((file) => readFileSync(join(REPO, file), 'utf8')).join('\n');
      for (const name of Object.keys(module.variables)) {
        if (!new RegExp(`var\\.${name}\\b`).test(text)) problems.push(`${module.dir}: var.${name} is never used`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('pins the providers and keeps state remote', () => {
    const terraform = one(mod(PROD).bodies.find((body) => body['terraform'])?.['terraform'], 'terraform block');
    const providers = one(terraform['required_providers'], 'required_providers');
    expect(providers['aws']).toMatchObject({ source: 'hashicorp/aws' });
    expect(String((providers['aws'] as Body)['version'])).toMatch(/^~> \d/);
    expect(Object.keys(isBody(terraform['backend']) ? terraform['backend'] : {})).toEqual(['s3']);
  });
});

describe('terraform: DynamoDB tables equal ledger/src/store/tables.ts', () => {
  it('declares exactly the tables the code creates', () => {
    const declared = allOf('resources', 'aws_dynamodb_table').map(({ body }) => body['name']);
    expect(declared.sort()).toEqual(TABLES.map((table) => `\${var.name_prefix}${table.logicalName}`).sort());
  });

  for (const table of TABLES) {
    it(`${table.logicalName}: keys, indexes, projection, TTL, and the production settings`, () => {
      const found = allOf('resources', 'aws_dynamodb_table').find(({ body }) => body['name'] === `\${var.name_prefix}${table.logicalName}`);
      if (!found) throw new Error(`no table ${table.logicalName}`);
      const body = found.body;
      expect(body['billing_mode']).toBe('PAY_PER_REQUEST');
      expect(body['hash_key']).toBe(table.partitionKey);
      expect(body['range_key']).toBe(table.sortKey);

      const keyAttributes = new Set([table.partitionKey, table.sortKey, ...table.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey])]);
      const attributes = blocks(body['attribute']);
      expect(attributes.map((attribute) => attribute['name']).sort()).toEqual([...keyAttributes].sort());
      expect(attributes.every((attribute) => attribute['type'] === 'S')).toBe(true);

      const indexes = blocks(body['global_secondary_index']).map((index) => ({
        name: index['name'],
        partitionKey: index['hash_key'],
        sortKey: index['range_key'],
        projection: index['projection_type'],
      }));
      expect(indexes).toEqual(table.globalIndexes.map((index) => ({ ...index, projection: 'ALL' })));
      expect(blocks(body['local_secondary_index'])).toEqual([]);

      if (table.ttlAttribute) expect(one(body['ttl'], 'ttl')).toEqual({ attribute_name: table.ttlAttribute, enabled: true });
      else expect(body['ttl']).toBeUndefined();
      expect(one(body['point_in_time_recovery'], 'pitr')['enabled']).toBe(true);
      expect(one(body['server_side_encryption'], 'sse')['enabled']).toBe(true);
      expect(evaluate(scopeOf('tables'), body['deletion_protection_enabled'])).toBe(true);
    });
  }

  it('names the tables with the prefix the services get as FLEEEX_TABLE_PREFIX', () => {
    const tablePrefix = evaluate(scopeOf('tables'), '${var.name_prefix}');
    const ledgerEnv = mod(PROD).modules['ledger_service']!['environment'] as Body;
    expect(evaluate(prod, ledgerEnv['FLEEEX_TABLE_PREFIX'])).toBe(tablePrefix);
    const jobsEnv = mod(PROD).modules['jobs']!['environment'] as Body;
    expect(evaluate(prod, jobsEnv['FLEEEX_TABLE_PREFIX'])).toBe(tablePrefix);
  });
});

describe('terraform: queues, job functions and schedules', () => {
  const queues = () => mod('terraform/modules/queues');
  const jobs = () => mod('terraform/modules/jobs');

  it('gives every working queue a dead-letter queue through a redrive policy', () => {
    for (const name of ['usage', 'jobs']) {
      const policy = String(resource(queues(), 'aws_sqs_queue', name)['redrive_policy']);
      const target = /deadLetterTargetArn\s*=\s*aws_sqs_queue\.(\w+)\.arn/.exec(policy)?.[1];
      expect(target, name).toBe(`${name}_dlq`);
      expect(policy).toMatch(/maxReceiveCount\s*=\s*var\.max_receive_count/);
      expect(resource(queues(), 'aws_sqs_queue', `${name}_dlq`)['message_retention_seconds']).toBeDefined();
      expect(resource(queues(), 'aws_sqs_queue', name)['sqs_managed_sse_enabled']).toBe(true);
    }
    const maxReceiveCount = evaluate(scopeOf('queues'), '${var.max_receive_count}');
    expect(maxReceiveCount).toBeGreaterThanOrEqual(3);
  });

  it('keeps each queue invisible longer than the Lambda that consumes it may run', () => {
    const jobsScope = scopeOf('jobs');
    const queuesScope = scopeOf('queues');
    const lambdaTimeout = evaluate(jobsScope, resource(jobs(), 'aws_lambda_function', 'this')['timeout']);
    expect(typeof lambdaTimeout).toBe('number');
    // Follow each event source mapping back to the queue resource it reads.
    const queueOutputs = mod(PROD).modules['jobs']!;
    for (const [mapping, queueName] of [
      ['rollups', 'usage'],
      ['jobs', 'jobs'],
    ] as const) {
      const sourceVar = /^\$\{var\.(\w+)\}$/.exec(String(resource(jobs(), 'aws_lambda_event_source_mapping', mapping)['event_source_arn']))?.[1];
      expect(sourceVar).toBeDefined();
      const output = /^\$\{module\.queues\.(\w+)\}$/.exec(String(queueOutputs[sourceVar!]))?.[1];
      expect(output).toBeDefined();
      expect(queues().outputs[output!]!['value']).toBe(`\${aws_sqs_queue.${queueName}.arn}`);
      const visibility = evaluate(queuesScope, resource(queues(), 'aws_sqs_queue', queueName)['visibility_timeout_seconds']);
      expect(visibility).toBeGreaterThanOrEqual((lambdaTimeout as number) * 6);
    }
  });

  it('turns on partial batch responses for every SQS event source', () => {
    const mappings = allOf('resources', 'aws_lambda_event_source_mapping');
    expect(mappings.map(({ name }) => name).sort()).toEqual(['jobs', 'rollups']);
    for (const { body } of mappings) {
      expect(body['function_response_types']).toEqual(['ReportBatchItemFailures']);
      expect(one(body['scaling_config'], 'scaling_config')['maximum_concurrency']).toBeDefined();
    }
  });

  it('runs the rollups and the reconciliation/expiry jobs as Lambda functions, logging to groups with retention', () => {
    const functions = jobs().locals['functions'] as Record<string, Body>;
    expect(Object.keys(functions).sort()).toEqual(['jobs', 'rollups']);
    for (const fn of Object.values(functions)) expect(String(fn['entry'])).toMatch(/^ledger\/src\/jobs\/.+\.ts$/);
    const lambda = resource(jobs(), 'aws_lambda_function', 'this');
    expect(lambda['for_each']).toBe('${local.functions}');
    expect(lambda['runtime']).toMatch(/^nodejs2\d\.x$/);
    expect(one(lambda['logging_config'], 'logging_config')['log_group']).toBe('${aws_cloudwatch_log_group.function[each.key].name}');
    // Lambda refuses to create a function that sets its reserved variables.
    const environment = Object.keys(mod(PROD).modules['jobs']!['environment'] as Body);
    for (const name of environment) expect(name).not.toMatch(/^(AWS_|_HANDLER$|LAMBDA_)/);
    expect(environment).toContain('FLEEEX_TABLE_PREFIX');
  });

  it('schedules reconciliation and hold expiry with EventBridge Scheduler into the jobs queue', () => {
    const scheduled = jobs().locals['scheduled_jobs'] as Record<string, Body>;
    expect(Object.keys(scheduled).sort()).toEqual(['hold-expiry', 'reconciliation']);
    expect(evaluate(scopeOf('jobs'), '${var.reconciliation_schedule}')).toMatch(/^(rate|cron)\(/);
    const schedule = resource(jobs(), 'aws_scheduler_schedule', 'job');
    const target = one(schedule['target'], 'target');
    expect(target['arn']).toBe('${var.jobs_queue_arn}');
    expect(target['role_arn']).toBe('${aws_iam_role.scheduler.arn}');
  });
});

describe('terraform: services, load balancers and the public surface', () => {
  const lbs = () => mod('terraform/modules/load_balancers');
  const ecs = () => mod('terraform/modules/ecs_service');

  /** ALB path-pattern semantics: `*` any run of characters, `?` one character, whole path. */
  function matches(pattern: string, path: string): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
    return new RegExp(`^${regex}$`).test(path);
  }

  /** Every path the ledger's route files declare (`path: '/x'`, `.get('/x'`), with parameters filled in. */
  function ledgerRoutePaths(): string[] {
    const paths = new Set<string>();
    for (const dir of ['ledger/src/routes', 'ledger/src/owner/routes', 'ledger/src/pages/routes', 'ledger/src/stripe/routes', 'ledger/src/jobs/routes']) {
      if (!existsSync(join(REPO, dir))) continue;
      for (const file of readdirSync(join(REPO, dir))) {
        if (file.includes('.test.')) continue;
        const text = readFileSync(join(REPO, dir, file), 'utf8');
        for (const match of text.matchAll(/(?:path:\s*|\.(?:get|post|put|patch|delete)\()'(\/[^']*)'/g)) {
          paths.add(match[1]!.replace(/\{[^}]+\}|:[A-Za-z_]+/g, 'x'));
        }
      }
    }
    return [...paths].sort();
  }

  it('routes every path the ledger serves to the right load balancer (derived from its route files)', () => {
    const lbScope = scopeOf('load_balancers');
    const publicPaths = stringList(evaluate(lbScope, '${var.ledger_public_paths}'));
    const privatePaths = stringList(evaluate(lbScope, '${var.ledger_private_paths}'));
    const served = ledgerRoutePaths();
    expect(served.length).toBeGreaterThan(10);
    // The root of the public host belongs to the gateway; /dev/* exists only in local mode.
    const NOT_PUBLISHED = new Set(['/']);
    for (const path of served) {
      if (NOT_PUBLISHED.has(path) || path.startsWith('/dev/')) continue;
      const isPrivate = path.startsWith('/internal/') || path.startsWith('/admin');
      expect(privatePaths.some((p) => matches(p, path)), `${path} on the internal load balancer`).toBe(isPrivate);
      expect(publicPaths.some((p) => matches(p, path)), `${path} on the public load balancer`).toBe(!isPrivate);
    }
  });

  it('runs the gateway and the ledger as Fargate services with health checks, rollback and autoscaling', () => {
    for (const name of ['gateway_service', 'ledger_service']) {
      expect(mod(PROD).modules[name]!['source']).toBe('../../modules/ecs_service');
    }
    const service = resource(ecs(), 'aws_ecs_service', 'this');
    expect(service['launch_type']).toBe('FARGATE');
    expect(one(service['deployment_circuit_breaker'], 'circuit breaker')).toEqual({ enable: true, rollback: true });
    expect(one(service['network_configuration'], 'network')['assign_public_ip']).toBe(false);
    expect(String(resource(ecs(), 'aws_ecs_task_definition', 'this')['container_definitions'])).toMatch(/healthCheck\s*=/);
    const metrics = Object.values(ecs().resources['aws_appautoscaling_policy'] ?? {}).map(
      (policy) => one(one(policy['target_tracking_scaling_policy_configuration'], 'tt')['predefined_metric_specification'], 'metric')['predefined_metric_type'],
    );
    expect(metrics.sort()).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization']);
    for (const group of Object.values(lbs().resources['aws_lb_target_group'] ?? {})) {
      expect(one(group['health_check'], 'health check')['path']).toBe('/healthz');
    }
  });

  it('puts the internal load balancer inside the VPC and only the public one on the internet', () => {
    expect(resource(lbs(), 'aws_lb', 'public')['internal']).toBe(false);
    expect(resource(lbs(), 'aws_lb', 'internal')['internal']).toBe(true);
    expect(resource(lbs(), 'aws_lb', 'internal')['subnets']).toBe('${var.private_subnet_ids}');
    const services = mod(PROD).modules;
    expect(services['ledger_service']!['subnet_ids']).toBe('${module.network.private_subnet_ids}');
    expect(services['gateway_service']!['subnet_ids']).toBe('${module.network.private_subnet_ids}');
    expect(services['gateway_service']!['target_group_arns']).toEqual(['${module.load_balancers.gateway_target_group_arn}']);
    const ledgerGroups = String(services['ledger_service']!['target_group_arns']);
    for (const output of ['ledger_internal_target_group_arn', 'ledger_public_target_group_arn', 'ledger_edge_target_group_arns']) {
      expect(ledgerGroups).toContain(`module.load_balancers.${output}`);
    }
  });

  it('exposes publicly only the gateway and the ledger pages and webhook; internal and admin routes only inside', () => {
    const lbScope = scopeOf('load_balancers');
    const publicPaths = stringList(evaluate(lbScope, '${var.ledger_public_paths}'));
    const privatePaths = stringList(evaluate(lbScope, '${var.ledger_private_paths}'));
    const ledgerPublic = ['/stripe/webhook', '/wallet', '/wallet/apps', '/connect/abc', '/signin', '/signin/verify', '/checkout/local'];
    const ledgerPrivate = ['/internal/v1/holds', '/internal/v1/holds/h1/capture', '/admin', '/admin/apps', '/admin/prices'];
    const gatewayOnly = ['/v1/chat/completions', '/v1/models', '/v1/connect/sessions', '/openapi.json', '/docs', '/healthz'];
    for (const path of ledgerPublic) expect(publicPaths.some((p) => matches(p, path)), path).toBe(true);
    for (const path of [...ledgerPrivate, ...gatewayOnly]) expect(publicPaths.some((p) => matches(p, path)), path).toBe(false);
    for (const path of ledgerPrivate) expect(privatePaths.some((p) => matches(p, path)), path).toBe(true);
    for (const path of [...ledgerPublic, ...gatewayOnly]) expect(privatePaths.some((p) => matches(p, path)), path).toBe(false);

    // Public listener: default to the gateway; private paths answered 404 before any forward rule.
    const httpsDefault = one(resource(lbs(), 'aws_lb_listener', 'public_https')['default_action'], 'default');
    expect(httpsDefault['target_group_arn']).toBe('${aws_lb_target_group.gateway.arn}');
    const block = resource(lbs(), 'aws_lb_listener_rule', 'public_block_private');
    const forward = resource(lbs(), 'aws_lb_listener_rule', 'public_ledger');
    expect(block['listener_arn']).toBe('${aws_lb_listener.public_https.arn}');
    expect(one(block['action'], 'action')['type']).toBe('fixed-response');
    expect(one(one(block['condition'], 'condition')['path_pattern'], 'pp')['values']).toBe('${local.private_chunks[count.index]}');
    expect(block['priority']).toBe('${1 + count.index}');
    expect(forward['priority']).toBe('${100 + count.index}');
    expect(one(forward['action'], 'action')['target_group_arn']).toBe('${aws_lb_target_group.ledger_public.arn}');
    expect(one(one(forward['condition'], 'condition')['path_pattern'], 'pp')['values']).toBe('${local.public_rule_chunks[count.index]}');
    expect(lbs().locals['public_rule_chunks']).toBe('${chunklist(var.ledger_public_paths, 5)}');
    expect(lbs().locals['private_chunks']).toBe('${chunklist(var.ledger_private_paths, 5)}');
    // No other rule on the public listener forwards anywhere.
    const publicRules = Object.entries(lbs().resources['aws_lb_listener_rule'] ?? {}).filter(
      ([, rule]) => rule['listener_arn'] === '${aws_lb_listener.public_https.arn}',
    );
    expect(publicRules.map(([name]) => name).sort()).toEqual(['public_block_private', 'public_ledger']);

    // Internal listener: 404 by default, private paths to the ledger's internal target group.
    const internalDefault = one(resource(lbs(), 'aws_lb_listener', 'internal_https')['default_action'], 'default');
    expect(internalDefault['type']).toBe('fixed-response');
    const internalRule = resource(lbs(), 'aws_lb_listener_rule', 'internal_ledger');
    expect(one(internalRule['action'], 'action')['target_group_arn']).toBe('${aws_lb_target_group.ledger_internal.arn}');
  });

  it('lets the edge path reach only the internal API, and only with a verified client certificate', () => {
    const listener = resource(lbs(), 'aws_lb_listener', 'edge_mtls');
    expect(listener['load_balancer_arn']).toBe('${aws_lb.edge[0].arn}');
    expect(listener['port']).toBe(443); // Workers ignore custom HTTPS ports
    expect(resource(lbs(), 'aws_lb', 'edge')['count']).toBe('${local.edge_enabled ? 1 : 0}');
    expect(Object.values(lbs().resources['aws_lb_listener'] ?? {}).filter((l) => l['mutual_authentication'])).toHaveLength(1);
    expect(one(listener['mutual_authentication'], 'mtls')).toMatchObject({ mode: 'verify', ignore_client_certificate_expiry: false });
    expect(one(listener['default_action'], 'default')['type']).toBe('fixed-response');
    const rule = resource(lbs(), 'aws_lb_listener_rule', 'edge_ledger');
    expect(one(rule['action'], 'action')['target_group_arn']).toBe('${aws_lb_target_group.ledger_edge[0].arn}');
    expect(one(one(rule['condition'], 'condition')['path_pattern'], 'pp')['values']).toBe('${var.edge.forward_paths}');
    expect(stringList(evaluate(prod, '${local.edge_forward_paths}'))).toEqual(['/internal/v1/*']);
  });

  it('accepts task traffic only from the load balancers, and serves TLS 1.2+ only', () => {
    const ingress = Object.values(lbs().resources['aws_vpc_security_group_ingress_rule'] ?? {});
    for (const rule of ingress) {
      if (rule['security_group_id'] === '${aws_security_group.gateway_tasks.id}' || rule['security_group_id'] === '${aws_security_group.ledger_tasks.id}') {
        expect(rule['cidr_ipv4']).toBeUndefined();
        expect(String(rule['referenced_security_group_id'])).toMatch(/_alb(\[0\])?\.id\}$/);
      }
      if (rule['security_group_id'] === '${aws_security_group.internal_alb.id}') {
        expect(rule['cidr_ipv4'] ?? '').not.toBe('0.0.0.0/0');
      }
    }
    for (const listener of Object.values(lbs().resources['aws_lb_listener'] ?? {})) {
      if (listener['protocol'] === 'HTTPS') expect(listener['ssl_policy']).toBe('${local.tls_policy}');
    }
    expect(String(lbs().locals['tls_policy'])).toMatch(/TLS13-1-2/);
  });
});

describe('terraform: IAM is least privilege', () => {
  // Actions AWS defines without resource-level permissions: "*" is the only resource they accept, and
  // none of them reads or writes fleeex data.
  const NO_RESOURCE_ACTIONS = new Set(['ecr:GetAuthorizationToken']);
  const DATA_SERVICES = ['dynamodb', 'sqs', 'secretsmanager', 'ses', 'bedrock', 's3', 'kms', 'logs'];

  it('never grants a wildcard action, and "*" resources only to actions that cannot be scoped', () => {
    const documents = allOf('data', 'aws_iam_policy_document');
    expect(documents.length).toBeGreaterThanOrEqual(8);
    const problems: string[] = [];
    for (const { module, name, body } of documents) {
      for (const statement of blocks(body['statement'])) {
        const where = `${module.dir}: ${name} ${statement['sid'] ?? ''}`;
        if (statement['effect'] !== undefined && statement['effect'] !== 'Allow') continue;
        if (statement['not_actions'] || statement['not_resources']) problems.push(`${where}: not_actions/not_resources`);
        const actions = stringList(evaluate(rootScope(module), statement['actions']));
        for (const action of actions) if (action.includes('*')) problems.push(`${where}: wildcard action ${action}`);
        if (statement['principals']) continue; // a trust policy: who may assume, not what
        const resources = statement['resources'];
        const resourceTexts = typeof resources === 'string' ? [resources] : stringList(resources);
        for (const text of resourceTexts) {
          if (text === '*' && !actions.every((action) => NO_RESOURCE_ACTIONS.has(action))) problems.push(`${where}: Resource "*" for ${actions}`);
          const dataActions = actions.filter((action) => DATA_SERVICES.includes(action.split(':')[0]!) && !action.startsWith('logs:'));
          if (dataActions.length > 0 && /(^|[:/])\*($|[:/])/.test(text)) problems.push(`${where}: wildcard resource ${text}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes every policy from a checked policy document and attaches no managed policies', () => {
    const problems: string[] = [];
    for (const type of ['aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_policy', 'aws_iam_group_policy']) {
      for (const { module, name, body } of allOf('resources', type)) {
        const policy = String(body['policy']);
        if (/^\$\{data\.aws_iam_policy_document\.\w+\.json\}$/.test(policy)) continue;
        const variable = /^\$\{var\.(\w+)\}$/.exec(policy)?.[1];
        if (!variable) {
          problems.push(`${module.dir}: ${type}.${name} policy is not a policy document`);
          continue;
        }
        // Follow the variable to every caller: each must pass a policy document.
        for (const caller of modules.values()) {
          for (const [callName, call] of Object.entries(caller.modules)) {
            if (!String(call['source']).endsWith(module.dir.split('/').pop()!)) continue;
            if (!/^\$\{data\.aws_iam_policy_document\.\w+\.json\}$/.test(String(call[variable]))) {
              problems.push(`${caller.dir}: module ${callName} passes ${variable} that is not a policy document`);
            }
          }
        }
      }
    }
    for (const type of ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_policy_attachment']) {
      for (const { module, name } of allOf('resources', type)) problems.push(`${module.dir}: ${type}.${name}`);
    }
    expect(problems).toEqual([]);
    for (const { body } of allOf('resources', 'aws_iam_role')) {
      expect(String(body['assume_role_policy'])).toMatch(/^\$\{data\.aws_iam_policy_document\.\w+_trust\.json\}$/);
    }
  });

  it('lets the gateway invoke exactly the priced Bedrock models, by ARN', () => {
    const document = mod(PROD).data['aws_iam_policy_document']!['bedrock_invoke']!;
    const statement = one(document['statement'], 'statement');
    expect(stringList(statement['actions']).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    expect(statement['resources']).toBe('${local.bedrock_resource_arns}');
    expect(String(mod(PROD).locals['bedrock_resource_arns'])).toContain('foundation-model/${model}');
    const allowed = stringList(evaluate(prod, '${var.bedrock_model_ids}'));
    for (const model of seedPriceVersion().models) expect(allowed, model.model).toContain(model.model);
    expect(mod(PROD).modules['gateway_service']!['task_policy_json']).toBe('${data.aws_iam_policy_document.bedrock_invoke.json}');
  });

  it('gives each component its own role', () => {
    const roles = allOf('resources', 'aws_iam_role').map(({ module, name }) => `${module.dir.split('/').pop()}.${name}`);
    expect(roles.sort()).toEqual(['ecs_service.execution', 'ecs_service.task', 'jobs.function', 'jobs.scheduler']);
    expect(resource(mod('terraform/modules/jobs'), 'aws_iam_role', 'function')['for_each']).toBe('${local.functions}');
    expect(mod(PROD).modules['ledger_service']!['task_policy_json']).toBe('${data.aws_iam_policy_document.ledger_task.json}');
  });
});

describe('terraform: secrets, mail, logs and alarms', () => {
  it('keeps the Stripe keys, the admin token and the service token in Secrets Manager', () => {
    const secrets = mod('terraform/modules/secrets');
    expect(Object.keys(secrets.locals['secrets'] as Body).sort()).toEqual(['admin_token', 'owner_secret', 'service_token', 'stripe_secret_key', 'stripe_webhook_secret']);
    expect(resource(secrets, 'aws_secretsmanager_secret', 'this')['for_each']).toBe('${local.secrets}');
    expect(allOf('resources', 'aws_secretsmanager_secret_version')).toEqual([]); // values never in state
  });

  it('has an SES identity with DKIM for sign-in mail', () => {
    const mail = mod('terraform/modules/mail');
    expect(resource(mail, 'aws_sesv2_email_identity', 'this')['email_identity']).toBe('${var.domain}');
    expect(resource(mail, 'aws_route53_record', 'dkim')['type']).toBe('CNAME');
  });

  it('gives every log group a retention', () => {
    const groups = allOf('resources', 'aws_cloudwatch_log_group');
    expect(groups.length).toBeGreaterThanOrEqual(2);
    for (const { body } of groups) expect(body['retention_in_days']).toBeDefined();
    expect(evaluate(prod, '${var.log_retention_days}')).toBeGreaterThan(0);
  });

  it('alarms on dead-letter depth, reconciliation drift and the 5xx rate', () => {
    const alarms = mod('terraform/modules/alarms');
    expect(resource(alarms, 'aws_cloudwatch_metric_alarm', 'dlq_depth')['metric_name']).toBe('ApproximateNumberOfMessagesVisible');
    // The drift alarm counts the very log line reconciliation writes when it finds drift.
    const drift = resource(alarms, 'aws_cloudwatch_metric_alarm', 'reconciliation_drift');
    const metrics = alarms.locals['log_metrics'] as Record<string, string>;
    expect(Object.keys(metrics)).toContain(drift['metric_name']);
    const driftMessage = String(evaluate(rootScope(alarms), '${local.drift_message}'));
    expect(readFileSync(join(REPO, 'ledger/src/jobs/reconciliation.ts'), 'utf8')).toContain(`'${driftMessage}'`);
    expect(readFileSync(join(REPO, 'ledger/src/jobs/log.ts'), 'utf8')).toMatch(/alert: true/);
    expect(metrics[String(drift['metric_name'])]).toMatch(/\$\.alert IS TRUE.*\$\.msg = \\?"\$\{local\.drift_message\}/);
    const filter = resource(alarms, 'aws_cloudwatch_log_metric_filter', 'job_logs');
    expect(one(filter['metric_transformation'], 'transformation')['name']).toBe('${each.value.metric}');
    const rate = resource(alarms, 'aws_cloudwatch_metric_alarm', 'target_5xx_rate');
    const metricNames = blocks(rate['metric_query']).flatMap((query) => blocks(query['metric']).map((metric) => metric['metric_name']));
    expect(metricNames.sort()).toEqual(['HTTPCode_Target_5XX_Count', 'RequestCount']);
    const call = mod(PROD).modules['alarms']!;
    expect(call['dead_letter_queue_names']).toEqual(['${module.queues.usage_dlq_name}', '${module.queues.jobs_dlq_name}']);
    expect(Object.keys(call['target_groups'] as Body).sort()).toEqual(['gateway', 'ledger-internal', 'ledger-public']);
  });
});

describe('deployment: environment, images and the edge option', () => {
  const SECRET_PLACEHOLDER = 'secret-placeholder-0123456789abcdefghijklmnop';
  const UNKNOWN_UNTIL_APPLY = 'https://unknown-until-apply.invalid/';
  // Set by Terraform for code that is announced but not merged yet (issue 6: the outbox relay's queue).
  const PENDING_IN_CODE = new Set(['FLEEEX_USAGE_QUEUE_URL']);
  // Read by the runtime or the AWS SDK rather than by our code.
  const READ_BY_PLATFORM = new Set(['NODE_ENV', 'AWS_REGION']);

  let example: Scope;
  beforeAll(async () => {
    const { parse } = await import('@cdktf/hcl2json');
    const path = join(TERRAFORM, 'environments', 'prod', 'terraform.tfvars.example');
    example = rootScope(mod(PROD), await parse('terraform.tfvars.example', readFileSync(path, 'utf8')));
  });

  /** The environment ECS gives a service's container, as Terraform builds it (secrets as placeholders). */
  function containerEnv(service: string): Record<string, string> {
    const call = mod(PROD).modules[service]!;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(call['environment'] as Body)) {
      // Resource attributes (a queue URL) exist only after apply; everything else must evaluate.
      env[name] = String(value).includes('module.') ? UNKNOWN_UNTIL_APPLY : String(evaluate(example, value));
    }
    env[String(call['port_env_name'])] = String(evaluate(example, call['container_port']));
    for (const name of Object.keys(call['secrets'] as Body)) env[name] = SECRET_PLACEHOLDER;
    return env;
  }

  function sourceText(dir: string): string {
    return readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => readFileSync(join(REPO, dir, file), 'utf8'))
      .join('\n');
  }

  it('gives the ledger an environment its own config parsers accept in production mode', () => {
    const env = containerEnv('ledger_service');
    const config = parseLedgerConfig(env);
    expect(config.FLEEEX_LEDGER_PORT).toBe(evaluate(prod, '${local.ledger_port}'));
    expect(config.FLEEEX_LEDGER_HOST).toBe('0.0.0.0');
    expect(config.FLEEEX_TABLE_PREFIX).toBe(evaluate(scopeOf('tables'), '${var.name_prefix}'));
    expect(config.FLEEEX_ENSURE_TABLES).toBe(false); // Terraform owns the tables
    expect(config.FLEEEX_SERVICE_TOKEN_PREVIOUS).toBe(SECRET_PLACEHOLDER);
    const owner = parseOwnerConfig(env);
    expect(owner.mode).toBe('production');
    expect(owner.publicUrl).toBe('https://api.fleeex.example.com');
    expect(owner.mailFrom).toBe('no-reply@fleeex.example.com');
    expect(owner.stripeSecretKey).toBe(SECRET_PLACEHOLDER);
    expect(owner.secureCookies).toBe(true);
  });

  it('gives the gateway an environment its config parser accepts, pointing at the internal ledger', () => {
    const config = parseGatewayConfig(containerEnv('gateway_service'));
    expect(config.port).toBe(evaluate(prod, '${local.gateway_port}'));
    expect(config.host).toBe('0.0.0.0');
    expect(config.ledgerUrl).toBe('https://ledger-internal.fleeex.example.com');
    expect(config.serviceToken).toBe(SECRET_PLACEHOLDER);
    expect(config.bedrockEndpoint).toBeUndefined();
  });

  it('sets no variable the code does not read, and secrets only from Secrets Manager', () => {
    for (const [service, dir] of [
      ['ledger_service', 'ledger/src'],
      ['gateway_service', 'gateway/src'],
    ] as const) {
      const call = mod(PROD).modules[service]!;
      const code = sourceText(dir);
      for (const name of Object.keys(containerEnv(service))) {
        if (READ_BY_PLATFORM.has(name) || PENDING_IN_CODE.has(name)) continue;
        expect(code.includes(name), `${service} sets ${name}, which ${dir} never reads`).toBe(true);
      }
      for (const name of Object.keys(call['environment'] as Body)) expect(name, `${service}: a secret in plain environment`).not.toMatch(/TOKEN|SECRET|PASSWORD/);
      const secretArns = stringList(call['secret_arns']);
      for (const value of Object.values(call['secrets'] as Body)) {
        const arn = /^\$\{(module\.secrets\.\w+)\}/.exec(String(value))?.[1];
        expect(arn && secretArns.includes(`\${${arn}}`), String(value)).toBe(true);
      }
    }
  });

  it('documents every variable, every service setting, and the operator steps in terraform/README.md', () => {
    const readme = readFileSync(join(TERRAFORM, 'README.md'), 'utf8');
    for (const name of Object.keys(mod(PROD).variables)) expect(readme, name).toContain(`\`${name}\``);
    for (const service of ['ledger_service', 'gateway_service']) {
      for (const name of Object.keys(containerEnv(service))) expect(readme, name).toContain(`\`${name}\``);
    }
    for (const topic of ['/stripe/webhook', 'POST /admin/prices', 'put-secret-value', 'terraform apply', 'wrangler']) expect(readme, topic).toContain(topic);
  });

  it('shows a price table the ledger accepts, for models IAM allows', () => {
    const readme = readFileSync(join(TERRAFORM, 'README.md'), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const version = PriceVersionInputSchema.parse(JSON.parse(example ?? 'null'));
    const allowed = stringList(evaluate(prod, '${var.bedrock_model_ids}'));
    for (const model of version.models) expect(allowed).toContain(model.model);
  });

  it('builds multi-stage, non-root images with production dependencies only', () => {
    for (const service of ['gateway', 'ledger']) {
      const dockerfile = readFileSync(join(REPO, 'docker', `${service}.Dockerfile`), 'utf8');
      const stages = dockerfile.split(/^FROM /m).slice(1);
      expect(stages.length, service).toBeGreaterThanOrEqual(2);
      const final = stages.at(-1)!;
      expect(dockerfile).toMatch(/npm ci --omit=dev/);
      expect(final).not.toMatch(/npm (ci|install)/);
      expect(final).toMatch(/^COPY --from=\w+ \/app\/node_modules /m);
      expect(final).toMatch(/^USER (node|\d{4,})\s*$/m);
      expect(final).not.toMatch(/^COPY \. /m);
      expect(final).toMatch(/^CMD \["node"/m);
    }
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.git', '.env', 'terraform']) expect(ignore).toContain(entry);
  });

  it('bundles every job function entry the Terraform names, and the service entries exist', async () => {
    const { LAMBDA_ENTRIES, SERVICE_ENTRIES } = await import('../../docker/entries');
    for (const entry of Object.values(SERVICE_ENTRIES)) expect(existsSync(join(REPO, entry)), entry).toBe(true);
    const functions = mod('terraform/modules/jobs').locals['functions'] as Record<string, Body>;
    expect(LAMBDA_ENTRIES).toEqual(Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, fn['entry']])));
  });

  it('configures the edge gateway for Cloudflare Workers with the mutual-TLS binding', () => {
    const wrangler = readFileSync(join(REPO, 'gateway', 'wrangler.toml'), 'utf8');
    const main = /^main\s*=\s*"([^"]+)"/m.exec(wrangler)?.[1];
    expect(main).toBe('src/worker.ts');
    expect(wrangler).toMatch(/compatibility_flags\s*=\s*\[[^\]]*"nodejs_compat"/);
    expect(wrangler).toMatch(/\[\[mtls_certificates\]\]/);
    expect(wrangler).not.toMatch(/fx_sk_|sk_live|sk_test|whsec_|AKIA/); // no secrets in the file
  });

  it('keeps every file under terraform/ parseable, including the examples', async () => {
    const { parse } = await import('@cdktf/hcl2json');
    const examples = readdirSync(join(TERRAFORM, 'environments', 'prod')).filter((file) => file.endsWith('.example'));
    expect(examples.sort()).toEqual(['backend.hcl.example', 'terraform.tfvars.example']);
    for (const file of examples) {
      const parsed = await parse(file, readFileSync(join(TERRAFORM, 'environments', 'prod', file), 'utf8'));
      for (const key of Object.keys(parsed)) {
        if (file.startsWith('terraform.tfvars')) expect(Object.keys(mod(PROD).variables), key).toContain(key);
      }
    }
    expect(existsSync(join(TERRAFORM, 'README.md'))).toBe(true);
    let strings = 0;
    walkStrings(mod(PROD).bodies, () => {
      strings += 1;
    });
    expect(strings).toBeGreaterThan(100);
  });
});
