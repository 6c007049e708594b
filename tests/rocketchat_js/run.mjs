#!/usr/bin/env node
// Drives Rocket.Chat's own npm artefacts against a live portal:
//   node run.mjs BASE_URL MANAGER_USERNAME VIEWER_USERNAME PASSWORD
// - @rocket.chat/api-client (RestClient): login, me, logout and the four
//   custom-user-status routes, as Rocket.Chat's web client calls them (an update also
//   without its optional statusType);
// - @rocket.chat/sdk (its REST half, lib/api.js): login, and logout with GET;
// and validates every reply it receives against the JSON schemas that
// @rocket.chat/core-typings (ICustomUserStatus, IMeApiUser, ...) and
// @rocket.chat/rest-typings (the /me schema, the 400/401/403 error validators) publish
// (vendor.mjs). Prints one line "RC-RESULT <json>" and exits non-zero on any failure.
import assert from 'node:assert/strict';

import {
  checked,
  client as restClient,
  fails,
  login as restLogin,
  ok,
  require,
  validate,
} from './vendor.mjs';

const [baseUrl, managerName, viewerName, password] = process.argv.slice(2);
if (!baseUrl || !managerName || !viewerName || !password) {
  throw new Error('usage: node run.mjs BASE_URL MANAGER VIEWER PASSWORD');
}

const client = (credentials) => restClient(baseUrl, credentials);
const login = (rest, user) => restLogin(rest, user, password);

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
// rest-typings: `POST: (params: { _id: string; name?: string; statusType?: string })`;
// without statusType the status keeps its type.
result.renamed = (
  await ok('status', 'update without statusType', () =>
    manager.post('/v1/custom-user-status.update', { _id: lunch._id, name: 'Late lunch' }),
  )
).customUserStatus;

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
