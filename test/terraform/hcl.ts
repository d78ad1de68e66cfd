// Loads every Terraform module under a directory with @cdktf/hcl2json (the real HCL parser, as WASM) and
// answers the questions the Terraform tests ask: what a module declares, which references do not
// resolve, and what simple expressions evaluate to. No terraform binary exists here; this is the check.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { getReferencesInExpression, parse } from '@cdktf/hcl2json';

/** A block body as hcl2json returns it: nested blocks are arrays of bodies, expressions are "${...}" strings. */
export type Body = Record<string, unknown>;

export interface TfModule {
  /** Path relative to the repository root, e.g. "terraform/modules/queues". */
  dir: string;
  files: string[];
  variables: Record<string, Body>;
  locals: Record<string, unknown>;
  outputs: Record<string, Body>;
  /** type -> name -> body */
  resources: Record<string, Record<string, Body>>;
  data: Record<string, Record<string, Body>>;
  modules: Record<string, Body>;
  /** Declarations seen more than once (terraform would refuse them). */
  duplicates: string[];
  /** Every parsed file body, for walks. */
  bodies: Body[];
}

const MODULE_META_ARGUMENTS = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);
const BUILTIN_ROOTS = new Set(['each', 'count', 'self', 'path', 'terraform']);

export function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The single body of a block that hcl2json returns as a one-element array. */
export function one(value: unknown, what: string): Body {
  if (!Array.isArray(value) || value.length !== 1 || !isBody(value[0])) {
    throw new Error(`${what}: expected exactly one block, got ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return value[0];
}

export function blocks(value: unknown): Body[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`expected a list of blocks, got ${JSON.stringify(value).slice(0, 200)}`);
  return value.filter(isBody);
}

function tfFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.tf'))
    .map((entry) => join(dir, entry.name))
    .sort();
}

function moduleDirs(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    if (tfFilesIn(dir).length > 0) found.push(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) visit(join(dir, entry.name));
    }
  };
  visit(root);
  return found.sort();
}

function declare<T>(into: Record<string, T>, name: string, value: T, duplicates: string[], what: string) {
  if (name in into) duplicates.push(`${what} ${name}`);
  into[name] = value;
}

export async function loadModule(repoRoot: string, dir: string): Promise<TfModule> {
  const module: TfModule = {
    dir: relative(repoRoot, dir),
    files: [],
    variables: {},
    locals: {},
    outputs: {},
    resources: {},
    data: {},
    modules: {},
    duplicates: [],
    bodies: [],
  };
  for (const file of tfFilesIn(dir)) {
    const json = await parse(file, readFileSync(file, 'utf8'));
    module.files.push(relative(repoRoot, file));
    module.bodies.push(json);
    for (const [name, value] of Object.entries(json.variable ?? {})) {
      declare(module.variables, name, one(value, `variable ${name}`), module.duplicates, 'variable');
    }
    for (const localsBlock of blocks(json.locals)) {
      for (const [name, value] of Object.entries(localsBlock)) declare(module.locals, name, value, module.duplicates, 'local');
    }
    for (const [name, value] of Object.entries(json.output ?? {})) {
      declare(module.outputs, name, one(value, `output ${name}`), module.duplicates, 'output');
    }
    for (const [name, value] of Object.entries(json.module ?? {})) {
      declare(module.modules, name, one(value, `module ${name}`), module.duplicates, 'module');
    }
    for (const [kind, target] of [
      ['resource', module.resources],
      ['data', module.data],
    ] as const) {
      for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, unknown>>)) {
        target[type] ??= {};
        for (const [name, value] of Object.entries(byName)) {
          declare(target[type], name, one(value, `${kind} ${type}.${name}`), module.duplicates, `${kind} ${type}`);
        }
      }
    }
  }
  return module;
}

/** Every module directory under `root` (any folder holding .tf files), keyed by repo-relative path. */
export async function loadTerraform(repoRoot: string, root: string): Promise<Map<string, TfModule>> {
  const modules = new Map<string, TfModule>();
  for (const dir of moduleDirs(root)) {
    const module = await loadModule(repoRoot, dir);
    modules.set(module.dir, module);
  }
  return modules;
}

/** The module directory a `module` block's `source` points at, repo-relative. */
export function moduleSource(repoRoot: string, caller: TfModule, call: Body): string {
  const source = call['source'];
  if (typeof source !== 'string' || !source.startsWith('.')) throw new Error(`${caller.dir}: only local module sources are used, got ${source}`);
  return relative(repoRoot, resolve(repoRoot, caller.dir, source));
}

/** Calls `visit` for every string in a body with its key path; `skip` prunes keys. */
export function walkStrings(value: unknown, visit: (text: string, path: string[]) => void, path: string[] = []) {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walkStrings(item, visit, [...path, String(index)]);
  }
  else if (isBody(value)) for (const [key, item] of Object.entries(value)) walkStrings(item, visit, [...path, key]);
}

/** Labels of `dynamic` blocks (and their `iterator` names): the iterator symbols their content may use. */
function dynamicIterators(module: TfModule): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isBody(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'dynamic' && isBody(item)) {
          for (const [label, bodies] of Object.entries(item)) {
            names.add(label);
            for (const body of blocks(bodies)) if (typeof body['iterator'] === 'string') names.add(body['iterator']);
          }
        }
        visit(item);
      }
    }
  };
  module.bodies.forEach(visit);
  return names;
}

/** Splits a reference ("module.x.0.y", 'aws_lb.public."a".arn') into its name segments, dropping indexes. */
function nameSegments(reference: string): string[] {
  return reference.split('.').filter((segment) => segment !== '' && !/^\d+$/.test(segment) && !segment.startsWith('"'));
}

/**
 * Every reference in the module that does not resolve: var/local/data/resource names that are not
 * declared here, module outputs the called module does not declare, and unknown symbols.
 */
export async function unresolvedReferences(
  repoRoot: string,
  module: TfModule,
  all: Map<string, TfModule>,
): Promise<string[]> {
  const expressions: string[] = [];
  for (const body of module.bodies) {
    walkStrings(body, (text, path) => {
      // A variable's `type` is a type expression, not a value: `string` is no reference.
      if (path[0] === 'variable' && path[3] === 'type') return;
      // lifecycle.ignore_changes names attributes of the resource itself, not other objects.
      if (path.includes('ignore_changes')) return;
      if (text.includes('${')) expressions.push(text);
    });
  }
  if (expressions.length === 0) return [];
  // One parser call per module: the templates joined into one template keep their references.
  const joined = expressions.join('\n');
  const references = await getReferencesInExpression(`${module.dir}/all.tf`, joined);
  const iterators = dynamicIterators(module);
  const problems: string[] = [];
  for (const reference of references) {
    const [root, first, second] = nameSegments(reference.value);
    if (!root) continue;
    const fail = (why: string) => problems.push(`${module.dir}: ${reference.value}: ${why}`);
    if (root === 'var') {
      if (!first || !(first in module.variables)) fail('no such variable');
    } else if (root === 'local') {
      if (!first || !(first in module.locals)) fail('no such local');
    } else if (root === 'data') {
      if (!first || !second || !module.data[first]?.[second]) fail('no such data source');
    } else if (root === 'module') {
      const call = first ? module.modules[first] : undefined;
      if (!call) {
        fail('no such module call');
        continue;
      }
      const target = all.get(moduleSource(repoRoot, module, call));
      if (!target) fail('module source has no .tf files');
      else if (second && !(second in target.outputs)) fail(`module ${first} has no output ${second}`);
    } else if (BUILTIN_ROOTS.has(root) || iterators.has(root)) {
      // each.key, count.index, path.module, dynamic iterators: always in scope where used
    } else if (root.includes('_')) {
      if (!first || !module.resources[root]?.[first]) fail('no such resource');
    } else {
      fail('unknown symbol');
    }
  }
  return problems;
}

/** Arguments a module call passes that the module does not declare, and required variables it omits. */
export function moduleCallProblems(repoRoot: string, module: TfModule, all: Map<string, TfModule>): string[] {
  const problems: string[] = [];
  for (const [name, call] of Object.entries(module.modules)) {
    const targetDir = moduleSource(repoRoot, module, call);
    const target = all.get(targetDir);
    if (!target) {
      problems.push(`${module.dir}: module ${name}: no module at ${targetDir}`);
      continue;
    }
    for (const argument of Object.keys(call)) {
      if (!MODULE_META_ARGUMENTS.has(argument) && !(argument in target.variables)) {
        problems.push(`${module.dir}: module ${name} passes ${argument}, which ${targetDir} does not declare`);
      }
    }
    for (const [variable, body] of Object.entries(target.variables)) {
      if (!('default' in body) && !(variable in call)) {
        problems.push(`${module.dir}: module ${name} omits required variable ${variable} of ${targetDir}`);
      }
    }
  }
  return problems;
}

/** Where a value is evaluated: a module, the arguments its caller passed, and the caller's own scope. */
export interface Scope {
  module: TfModule;
  inputs: Body;
  parent: Scope | null;
}

/** The root module's scope; `tfvars` stands in for terraform.tfvars (literal values only). */
export function rootScope(module: TfModule, tfvars: Body = {}): Scope {
  return { module, inputs: tfvars, parent: null };
}

export function childScope(repoRoot: string, all: Map<string, TfModule>, parent: Scope, callName: string): Scope {
  const call = parent.module.modules[callName];
  if (!call) throw new Error(`${parent.module.dir} has no module ${callName}`);
  const module = all.get(moduleSource(repoRoot, parent.module, call));
  if (!module) throw new Error(`module ${callName} points at no module`);
  return { module, inputs: call, parent };
}

/**
 * Evaluates the small expressions the tests need: literals, lists of them, `var.x`, `local.x`,
 * `module.m.output` (when the output is itself evaluable) and `<expr> <op> <integer>`.
 * Anything else throws, so a test relying on a value fails loudly rather than guessing.
 */
export function evaluate(scope: Scope, value: unknown, depth = 0): unknown {
  if (depth > 20) throw new Error('evaluation too deep');
  if (Array.isArray(value)) return value.map((item) => evaluate(scope, item, depth + 1));
  if (typeof value !== 'string') return value;
  const interpolations = value.split('${').length - 1;
  const whole = interpolations === 1 ? /^\$\{(.*)\}$/s.exec(value) : null;
  if (!whole) {
    if (interpolations === 0) return value;
    // A template: evaluate each simple interpolation and splice it in.
    const spliced = value.replace(/\$\{([^{}]*)\}/g, (_, inner: string) => String(evaluate(scope, `\${${inner}}`, depth + 1)));
    if (spliced.includes('${')) throw new Error(`cannot evaluate template ${value}`);
    return spliced;
  }
  const inner = whole[1]!.trim();
  const variable = /^var\.(\w+)$/.exec(inner);
  if (variable) {
    const name = variable[1]!;
    // A module's inputs are expressions of its caller; the root's inputs are tfvars literals.
    if (name in scope.inputs) return evaluate(scope.parent ?? scope, scope.inputs[name], depth + 1);
    const declared = scope.module.variables[name];
    if (!declared) throw new Error(`${scope.module.dir}: no variable ${name}`);
    if (!('default' in declared)) throw new Error(`${scope.module.dir}: var.${name} has no value here`);
    return evaluate(scope, declared['default'], depth + 1);
  }
  const local = /^local\.(\w+)$/.exec(inner);
  if (local) {
    if (!(local[1]! in scope.module.locals)) throw new Error(`${scope.module.dir}: no local ${local[1]}`);
    return evaluate(scope, scope.module.locals[local[1]!], depth + 1);
  }
  const arithmetic = /^(.+?)\s*([*+-])\s*(\d+)$/.exec(inner);
  if (arithmetic) {
    const left = evaluate(scope, `\${${arithmetic[1]}}`, depth + 1);
    if (typeof left !== 'number') throw new Error(`not a number: ${arithmetic[1]}`);
    const right = Number(arithmetic[3]);
    return arithmetic[2] === '*' ? left * right : arithmetic[2] === '+' ? left + right : left - right;
  }
  if (/^-?\d+(\.\d+)?$/.test(inner)) return Number(inner);
  if (inner === 'true' || inner === 'false') return inner === 'true';
  throw new Error(`cannot evaluate ${value}`);
}
