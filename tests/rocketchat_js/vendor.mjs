// What the scripts of this folder share: Rocket.Chat's own npm artefacts, loaded once,
// and the checks every reply goes through.
// - @rocket.chat/api-client's RestClient, the web client's REST client;
// - the JSON schemas that @rocket.chat/core-typings (ICustomUserStatus, IMeApiUser, ...) and
//   @rocket.chat/rest-typings (the /me schema, the 400/401/403 error validators) publish:
//   validate() holds every reply to the schema of its kind and lists what it checked.
import assert from 'node:assert/strict';
import { createRequire, register } from 'node:module';

register('./esm-hooks.mjs', import.meta.url);

export const require = createRequire(import.meta.url);
const { RestClient } = require('@rocket.chat/api-client');
const { schemas } = require('@rocket.chat/core-typings/dist/Ajv.js');
const restAjv = await import('@rocket.chat/rest-typings/dist/v1/Ajv.js');
const { meSuccessResponseSchema } = await import(
  '@rocket.chat/rest-typings/dist/v1/me/meSuccessResponse.js'
);

// --- the vendor's schemas ---------------------------------------------------------------

// As Rocket.Chat's server does: every core-typings component is registered on
// rest-typings' ajv under its `#/components/schemas/<name>` reference.
const { ajv } = restAjv;
for (const [name, schema] of Object.entries(schemas.components.schemas)) {
  ajv.addSchema(schema, `#/components/schemas/${name}`);
}
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
// A component with nothing outside it (the /me schema's `unevaluatedProperties: false`).
const exactly = (name) => ({ type: 'object', allOf: [ref(name)], unevaluatedProperties: false });
const success = { type: 'boolean', enum: [true] };

// The envelopes are TypeScript only in rest-typings (v1/customUserStatus.d.ts,
// helpers/PaginatedResult.d.ts; API.v1.success adds `success: true`); the login and logout
// bodies are Rocket.Chat's server's (rest-typings types them loosely). Their members are
// the vendor's own JSON schemas.
const validators = {
  me: ajv.compile(meSuccessResponseSchema),
  login: ajv.compile({
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['success'] },
      data: {
        type: 'object',
        properties: {
          userId: { type: 'string' },
          authToken: { type: 'string' },
          me: exactly('IMeApiUser'),
        },
        required: ['userId', 'authToken', 'me'],
        additionalProperties: false,
      },
      success,
    },
    required: ['status', 'data', 'success'],
    additionalProperties: false,
  }),
  logout: ajv.compile({
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['success'] },
      data: {
        type: 'object',
        properties: { message: { type: 'string' } },
        required: ['message'],
        additionalProperties: false,
      },
    },
    required: ['status', 'data'],
    additionalProperties: false,
  }),
  list: ajv.compile({
    type: 'object',
    properties: {
      statuses: { type: 'array', items: exactly('ICustomUserStatus') },
      count: { type: 'number' },
      offset: { type: 'number' },
      total: { type: 'number' },
      success,
    },
    required: ['statuses', 'count', 'offset', 'total', 'success'],
    additionalProperties: false,
  }),
  status: ajv.compile({
    type: 'object',
    properties: { customUserStatus: exactly('ICustomUserStatus'), success },
    required: ['customUserStatus', 'success'],
    additionalProperties: false,
  }),
  deleted: ajv.compile({
    type: 'object',
    properties: { success },
    required: ['success'],
    additionalProperties: false,
  }),
  400: restAjv.validateBadRequestErrorResponse,
  401: restAjv.validateUnauthorizedErrorResponse,
  403: restAjv.validateForbiddenErrorResponse,
};

export const checked = [];

export function validate(kind, what, body) {
  const check = validators[kind];
  // rest-typings' ajv coerces types: validate a copy, so the test sees the reply as sent.
  const copy = structuredClone(body);
  if (!check(copy)) {
    throw new Error(
      `${what}: the reply fails the ${kind} schema: ${ajv.errorsText(check.errors)}\n` +
        JSON.stringify(body),
    );
  }
  checked.push(`${what}: ${kind}`);
  return body;
}

// --- @rocket.chat/api-client ------------------------------------------------------------

/** A call that must succeed; its reply is validated as `kind`. */
export async function ok(kind, what, call) {
  return validate(kind, what, await call());
}

/** A call that must fail with `status`; its body is validated by that status's schema. */
export async function fails(status, what, call) {
  let response;
  try {
    await call();
  } catch (error) {
    response = error;
  }
  assert.ok(response instanceof Response, `${what}: expected HTTP ${status}, got success`);
  assert.equal(response.status, status, `${what}: HTTP status`);
  return validate(status, what, await response.json());
}

/** Rocket.Chat's web client (`RestClient`) for the portal at `baseUrl`. */
export function client(baseUrl, credentials) {
  return new RestClient({ baseUrl, credentials });
}

/** Log `rest` in as `user`, as the web client does, and keep its login headers. */
export async function login(rest, user, password) {
  const reply = await ok('login', `login ${user}`, () =>
    rest.post('/v1/login', { user, password }),
  );
  rest.setCredentials({ 'X-User-Id': reply.data.userId, 'X-Auth-Token': reply.data.authToken });
  return reply;
}
