/**
 * Route schemas in valibot, declared the Fastify way:
 *
 *   app.withTypeProvider<ValibotTypeProvider>().put(path, {
 *     schema: { params: RecoveryIdParams, body: RecoveryPutRequest },
 *   }, (req, reply) => …req.params.recoveryId, req.body.blob…)
 *
 * The schemas are the protocol's own (@cairn/shared): one definition checks
 * the request and types the handler. Fastify validates each declared part
 * before the handler runs, params first, then the body, and hands the
 * handler valibot's output. A part that fails is refused with the route's
 * error: by default 400 `bad-message` naming the first issue
 * (`describeIssues`); `refusing(schema, refuse)` picks another from the
 * input (the pairing lookup answers another version `unsupported-version`).
 * The refusal is a `RelayHttpError`, rendered by the one error handler
 * (errors.ts) like every other error body.
 *
 * Validation stays linear in its input: valibot walks it once, no regex of
 * these schemas backtracks (shared/src/protocol), and every body is bounded
 * by its route's `bodyLimit` before it is parsed at all.
 */
import { describeIssues } from '@cairn/shared';
import type { FastifyInstance, FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import * as v from 'valibot';
import { RelayHttpError } from './errors.js';

type Schema = v.GenericSchema;

/** How a route answers a request part its schema refused. */
export type Refusal = (input: unknown, issues: readonly v.BaseIssue<unknown>[]) => RelayHttpError;

/** A schema with its route's own refusal. */
export interface RefusingSchema<S extends Schema> {
  readonly valibot: S;
  readonly refuse: Refusal;
}

const badMessage: Refusal = (_input, issues) =>
  new RelayHttpError(400, 'bad-message', describeIssues(issues));

export function refusing<S extends Schema>(valibot: S, refuse: Refusal): RefusingSchema<S> {
  return { valibot, refuse };
}

/** Types `req.params` and `req.body` from the declared valibot schemas. */
export interface ValibotTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends RefusingSchema<infer S>
    ? v.InferOutput<S>
    : this['schema'] extends Schema
      ? v.InferOutput<this['schema']>
      : unknown;
  serializer: unknown;
}

function isSchema(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && 'kind' in x && x.kind === 'schema' && '~run' in x;
}

function isRefusing(x: unknown): x is RefusingSchema<Schema> {
  return (
    typeof x === 'object' &&
    x !== null &&
    'valibot' in x &&
    isSchema(x.valibot) &&
    'refuse' in x &&
    typeof x.refuse === 'function'
  );
}

/**
 * Fastify hands a validator `null` for a request that has no body at all,
 * as it does for a JSON `null`; the routes told the two apart ("received
 * undefined"), so an absent body is marked before validation (see
 * `useValibotSchemas`) and read back as undefined here.
 */
const NO_BODY: unique symbol = Symbol('no body');

/** Fastify's validatorCompiler for valibot route schemas. */
export const valibotCompiler: FastifySchemaCompiler<unknown> = ({ schema, method, url }) => {
  const [valibot, refuse] = isRefusing(schema)
    ? [schema.valibot, schema.refuse]
    : isSchema(schema)
      ? [schema, badMessage]
      : [undefined, badMessage];
  if (valibot === undefined) throw new Error(`${method} ${url}: a route schema must be valibot`);
  return (data: unknown) => {
    const input = data === NO_BODY ? undefined : data;
    const parsed = v.safeParse(valibot, input);
    return parsed.success ? { value: parsed.output } : { error: refuse(input, parsed.issues) };
  };
};

/** Validates every route schema of `app` with valibot; call before registering routes. */
export function useValibotSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(valibotCompiler);
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined && req.routeOptions.schema?.body !== undefined) {
      req.body = NO_BODY;
    }
    done();
  });
}
