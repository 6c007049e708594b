#!/usr/bin/env node
// Drives Rocket.Chat's own npm artefacts against a live portal:
//   node run.mjs BASE_URL MANAGER_USERNAME VIEWER_USERNAME PASSWORD
// - @rocket.chat/api-client (RestClient): login, me, logout and the four
//   custom-user-status routes, as Rocket.Chat's web client calls them;
// - @rocket.chat/sdk (its REST half, lib/api.js): login, and logout with GET;
// and validates every reply it receives against the JSON schemas that
// @rocket.chat/core-typings (ICustomUserStatus, IMeApiUser, ...) and
// @rocket.chat/rest-typings (the /me schema, the 400/401/403 error validators) publish.
// Prints one line "RC-RESULT <json>" and exits non-zero on any failure.
import assert from 'node:assert/strict';
import { createRequire, register } from 'node:module';

register('./esm-hooks.mjs', import.meta.url);

const require = createRequire(import.meta.url);
const { RestClient } = require('@rocket.chat/api-client');
const { schemas } = require('@rocket.chat/core-typings/dist/Ajv.js');
const restAjv = await import('@rocket.chat/rest-typings/dist/v1/Ajv.js');
const { meSuccessResponseSchema } = await import(
  '@rocket.chat/rest-typings/dist/v1/me/meSuccessResponse.js'
);

const [baseUrl, managerName, viewerName, password] = process.argv.slice(2);
if (!baseUrl || !managerName || !viewerName || !password) {
  throw new Error('usage: node run.mjs BASE_URL MANAGER VIEWER PASSWORD');
}

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

const checked = [];

function validate(kind, what, body) {
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
async function ok(kind, what, call) {
  return validate(kind, what, await call());
}

/** A call that must fail with `status`; its body is validated by that status's schema. */
async function fails(status, what, call) {
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

function client(credentials) {
  return new RestClient({ baseUrl, credentials });
}

async function login(rest, user) {
  const reply = await ok('login', `login ${user}`, () =>
    rest.post('/v1/login', { user, password }),
  );
  rest.setCredentials({ 'X-User-Id': reply.data.userId, 'X-Auth-Token': reply.data.authToken });
  return reply;
}

const result = {};
const anonymous = client();
await fails(401, 'me without login', () => anonymous.get('/v1/me'));

const manager = client();
const loggedIn = await login(manager, managerName);
result.loginMe = loggedIn.data.me;
result.me = await ok('me', 'me', () => manager.get('/v1/me'));

const lunch = (
  await ok('status', 'create', () =>
    manager.post('/v1/custom-user-status.create', { name: 'Lunch', statusType: 'away' }),
  )
).customUserStatus;
const meeting = (
  await ok('status', 'create', () =>
    manager.post('/v1/custom-user-status.create', { name: 'In a meeting', statusType: 'busy' }),
  )
).customUserStatus;
result.duplicate = await fails(400, 'create a taken name', () =>
  manager.post('/v1/custom-user-status.create', { name: 'LUNCH', statusType: 'away' }),
);

const all = await ok('list', 'list', () => manager.get('/v1/custom-user-status.list'));
result.listed = all.statuses.map((status) => status.name);

// Rocket.Chat's admin screen: load one status with query={"_id":...}, edit statuses[0].
const one = await ok('list', 'list by query _id', () =>
  manager.get('/v1/custom-user-status.list', { query: JSON.stringify({ _id: lunch._id }) }),
);
assert.deepEqual(
  one.statuses.map((status) => status._id),
  [lunch._id],
  'query={"_id":...} loads that status only',
);
const edited = (
  await ok('status', 'update statuses[0]', () =>
    manager.post('/v1/custom-user-status.update', {
      _id: one.statuses[0]._id,
      name: 'Long lunch',
      statusType: 'offline',
    }),
  )
).customUserStatus;
assert.equal(edited._id, lunch._id);
result.updated = edited;

// The admin list's search box: a case-insensitive $regex on the name.
const searched = await ok('list', 'list by query $regex', () =>
  manager.get('/v1/custom-user-status.list', {
    query: JSON.stringify({ name: { $regex: 'MEET', $options: 'i' } }),
    sort: JSON.stringify({ name: 1 }),
    count: 25,
  }),
);
result.searched = searched.statuses.map((status) => status.name);
const everything = await ok('list', 'list count=0', () =>
  manager.get('/v1/custom-user-status.list', { count: 0 }),
);
result.countZero = [everything.count, everything.total];
result.unknownParam = await fails(400, 'list with fields', () =>
  manager.get('/v1/custom-user-status.list', { fields: JSON.stringify({ name: 1 }) }),
);
result.badQuery = await fails(400, 'list with a $ne query', () =>
  manager.get('/v1/custom-user-status.list', { query: JSON.stringify({ name: { $ne: 'x' } }) }),
);

await ok('deleted', 'delete', () =>
  manager.post('/v1/custom-user-status.delete', { customUserStatusId: meeting._id }),
);
result.deleteAgain = await fails(400, 'delete again', () =>
  manager.post('/v1/custom-user-status.delete', { customUserStatusId: meeting._id }),
);

const viewer = client();
await login(viewer, viewerName);
result.forbidden = await fails(403, 'create without permission', () =>
  viewer.post('/v1/custom-user-status.create', { name: 'Nope', statusType: 'away' }),
);

result.logout = await ok('logout', 'logout (POST)', () => manager.post('/v1/logout', {}));
await fails(401, 'me after logout', () => manager.get('/v1/me'));

// --- @rocket.chat/sdk: its REST login, and its logout (a GET) ---------------------------

process.env.ROCKETCHAT_URL = baseUrl;
process.env.ROCKETCHAT_USER = viewerName;
process.env.ROCKETCHAT_PASSWORD = password;
const sdkApi = require('@rocket.chat/sdk/dist/lib/api.js');
const sdkLog = require('@rocket.chat/sdk/dist/lib/log.js');
sdkLog.silence();
// Every reply the SDK receives is validated too (node-rest-client hands it to a callback).
const sdkCalls = [];
for (const method of ['get', 'post']) {
  const original = sdkApi.client[method].bind(sdkApi.client);
  sdkApi.client[method] = (url, args, callback) =>
    original(url, args, (body, response) => {
      sdkCalls.push({ method: method.toUpperCase(), url, status: response.statusCode, body });
      callback(body, response);
    });
}
const sdkLogin = await sdkApi.login({ username: viewerName, password });
assert.ok(sdkLogin?.data?.authToken, 'the SDK logged in');
validate('login', '@rocket.chat/sdk login', sdkLogin);
const sdkToken = { 'X-User-Id': sdkLogin.data.userId, 'X-Auth-Token': sdkLogin.data.authToken };
await ok('me', 'me with the SDK token', () => client(sdkToken).get('/v1/me'));
await sdkApi.logout();
assert.equal(sdkApi.currentLogin, null, 'the SDK logged out');
const sdkLogout = sdkCalls.find((call) => call.url.endsWith('/logout'));
assert.ok(sdkLogout, 'the SDK called logout');
assert.equal(sdkLogout.method, 'GET');
assert.equal(sdkLogout.status, 200);
validate('logout', '@rocket.chat/sdk logout (GET)', sdkLogout.body);
await fails(401, 'me with the SDK token after its logout', () => client(sdkToken).get('/v1/me'));
result.sdkCalls = sdkCalls.map(({ method, url, status }) => `${method} ${url} ${status}`);

result.checked = checked;
console.log(`RC-RESULT ${JSON.stringify(result)}`);
