#!/usr/bin/env node
// A member's marks on a status and a status's other lists, through the vendor's SDK
// (@selfcommunity/api-services, FeedObjectService with type "status") and, for the vote
// and the follow, through the exact requests of the vendor's React UI:
//   node social.js INPUT.json
// INPUT.json (tests/community/test_social_sdk.py): {"baseUrl", "token", "moderatorToken",
//   "memberId", "ids": {"target", "related", "hidden", "sharing", "unknown"}}.
// Every reply is validated against the JSON Schemas generated from @selfcommunity/types
// (schemas.js: SCFeedStatusType, SCUserType, SCVoteType, SCFlagType and the three status
// types of a feed object). Prints one line "SOCIAL-RESULT <json>" and exits non-zero on any
// failure, a reply that does not match its type included.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { http, Endpoints, FeedObjectService, formatHttpError } = require('@selfcommunity/api-services');
const { TYPES, generateSchemas, makeValidator } = require('./schemas');

const TYPE = 'status';
const SOCIAL_TYPES = {
  ...TYPES,
  vote: 'SCVoteType',
  flag: 'SCFlagType',
  following: 'SCFeedObjectFollowingStatusType',
  suspended: 'SCFeedObjectSuspendedStatusType',
  hidden: 'SCFeedObjectHideStatusType',
};

// Which type a reply has, by method and path.
const ROUTES = [
  ['GET', /^\/api\/v2\/status\/(following|suspended|uncommented)\/$/, 'page:status'],
  ['GET', /^\/api\/v2\/status\/\d+\/(related|shares)\/$/, 'page:status'],
  ['GET', /^\/api\/v2\/status\/\d+\/(contributors|shares_users)\/$/, 'page:user'],
  ['GET', /^\/api\/v2\/status\/\d+\/vote\/$/, 'page:vote'],
  ['GET', /^\/api\/v2\/status\/\d+\/flag\/$/, 'page:flag'],
  ['GET', /^\/api\/v2\/status\/\d+\/flag\/status\/$/, 'flag-status'],
  ['GET', /^\/api\/v2\/status\/\d+\/following\/$/, 'following'],
  ['GET', /^\/api\/v2\/status\/\d+\/suspended\/$/, 'suspended'],
  ['GET', /^\/api\/v2\/status\/\d+\/hide\/status\/$/, 'hidden'],
  ['GET', /^\/api\/v2\/status\/\d+\/$/, 'status'],
  ['GET', /^\/api\/v2\/status\/$/, 'page:status'],
];

function replyKind(method, pathname, status) {
  if (status === 204) return 'empty';
  if (status >= 400) return 'errors';
  const route = ROUTES.find(([m, re]) => m === method && re.test(pathname));
  if (!route) throw new Error(`no schema for the reply of ${method} ${pathname}`);
  return route[2];
}

// Every request the SDK's axios client sent (with its body as sent) and the reply it got.
function recordExchanges(exchanges) {
  const record = (response) => {
    const { config } = response;
    const url = new URL(config.url, config.baseURL);
    for (const [key, value] of Object.entries(config.params || {})) {
      url.searchParams.set(key, value);
    }
    exchanges.push({
      method: config.method.toUpperCase(),
      path: url.pathname,
      query: url.search,
      sentBody: config.data === undefined ? null : config.data,
      status: response.status,
      body: response.data,
    });
  };
  http.getClientInstance().interceptors.response.use(
    (response) => {
      record(response);
      return response;
    },
    (error) => {
      if (error.response) record(error.response);
      return Promise.reject(error);
    }
  );
}

function validateExchanges(exchanges) {
  const validate = makeValidator(generateSchemas(SOCIAL_TYPES));
  const problems = [];
  const kinds = {};
  for (const exchange of exchanges) {
    const kind = replyKind(exchange.method, exchange.path, exchange.status);
    kinds[kind] = (kinds[kind] || 0) + 1;
    let found;
    if (kind === 'empty') {
      found = exchange.body === '' || exchange.body === undefined ? [] : ['a 204 reply has a body'];
    } else if (kind === 'flag-status') {
      // The caller's flag (SCFlagType), or the empty object when there is none.
      const empty = JSON.stringify(exchange.body) === '{}';
      found = empty ? [] : validate('flag', exchange.body);
    } else {
      found = validate(kind, exchange.body);
    }
    for (const problem of found) {
      problems.push(`${exchange.method} ${exchange.path} ${exchange.status} (${kind}): ${problem}`);
    }
  }
  return { count: exchanges.length, kinds, problems };
}

// The rejection of `promise`: its status, the SDK's formatted error and the URL requested.
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error.response, String(error));
    return {
      status: error.response.status,
      body: error.response.data,
      formatted: formatHttpError(error),
      url: error.config.url,
    };
  }
  throw new Error('the request was expected to fail');
}

// react-core's useSCFetchVote.performVote: no body, the reaction (if any) as a parameter.
function uiVote(obj, params) {
  return http
    .request({ url: Endpoints.Vote.url({ type: obj.type, id: obj.id }), method: Endpoints.Vote.method, params })
    .then((res) => {
      if (res.status >= 300) return Promise.reject(res);
      return Promise.resolve(res.data);
    });
}

// react-ui's FeedObject Follow action.
function uiFollow(obj) {
  return http.request({
    url: Endpoints.FollowContribution.url({ type: obj.type, id: obj.id }),
    method: Endpoints.FollowContribution.method,
  });
}

const get = (id) => FeedObjectService.getSpecificFeedObject(TYPE, id);
const marks = (obj) => ({ voted: obj.voted, followed: obj.followed, suspended: obj.suspended });

async function main() {
  const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const { target, related, hidden, sharing, unknown } = input.ids;
  http.setBasePortal(input.baseUrl);
  http.setAuthorizeToken(input.token);
  const moderator = { headers: { Authorization: `Bearer ${input.moderatorToken}` } };
  const exchanges = [];
  recordExchanges(exchanges);
  const result = {};

  // --- vote, through the SDK ---
  assert.equal(await FeedObjectService.voteFeedObject(TYPE, target), '');
  let obj = await get(target);
  assert.deepEqual([obj.voted, obj.vote_count], [true, 1]);
  const votes = await FeedObjectService.feedObjectVotes(TYPE, target, { limit: 5 });
  assert.equal(votes.count, 1);
  assert.equal(votes.results[0].user.id, input.memberId);
  assert.ok(votes.results[0].voted_at);
  result.vote = votes.results[0];
  await FeedObjectService.voteFeedObject(TYPE, target, 1); // reaction 1: the vote, taken back
  obj = await get(target);
  assert.deepEqual([obj.voted, obj.vote_count], [false, 0]);
  result.badReaction = await failure(FeedObjectService.voteFeedObject(TYPE, target, 2));

  // --- vote, as react-core's useSCFetchVote sends it: two clicks ---
  obj = await get(target);
  const clicks = [];
  for (let click = 0; click < 2; click += 1) {
    await uiVote(obj, {});
    obj = await get(target);
    clicks.push({ voted: obj.voted, vote_count: obj.vote_count });
  }
  result.uiClicks = clicks;
  await uiVote(obj, { reaction: 1 }); // with the default reaction loaded: the same vote
  result.uiVoteWithReaction = (await get(target)).voted;
  await uiVote(obj, { reaction: 1 });

  // --- follow: the SDK's method builds its URL without the type ---
  result.sdkFollow = await failure(FeedObjectService.followFeedObject(TYPE, target));
  await uiFollow(obj);
  result.following = await FeedObjectService.checkIfFollowingFeedObject(TYPE, target);
  assert.deepEqual(result.following, { following: true });
  const followed = await FeedObjectService.feedObjectFollowingList(TYPE, { limit: 10 });
  result.followedIds = followed.results.map((s) => s.id);
  assert.deepEqual(marks(followed.results[0]), { voted: false, followed: true, suspended: false });

  // --- suspend ---
  assert.equal(await FeedObjectService.suspendFeedObject(TYPE, target), '');
  result.suspended = await FeedObjectService.checkIfSuspendedFeedObject(TYPE, target);
  assert.deepEqual(result.suspended, { suspended: true });
  const suspendedList = await FeedObjectService.feedObjectSuspendedList(TYPE, { limit: 10 });
  result.suspendedIds = suspendedList.results.map((s) => s.id);
  result.targetMarks = marks(await get(target));

  // --- flag ---
  result.flagBefore = await FeedObjectService.feedObjectFlagStatus(TYPE, target);
  // The documented body, {"flag_type": N}, through the SDK's method.
  await FeedObjectService.flagFeedObject(TYPE, target, { flag_type: 2 });
  result.flagAfter = await FeedObjectService.feedObjectFlagStatus(TYPE, target);
  result.flagCount = (await get(target)).flag_count;
  // The SDK's declared argument, a bare flag type: its body is the number alone.
  result.bareFlagType = await failure(FeedObjectService.flagFeedObject(TYPE, target, 3));
  // feedObjectFlagList sends POST (its endpoint's method), without a body.
  result.flagListAsSdk = await failure(FeedObjectService.feedObjectFlagList(TYPE, target, moderator));
  // The list is the GET of the same URL, for moderators.
  const flagListUrl = Endpoints.FeedObjectFlagList.url({ type: TYPE, id: target });
  const flags = await http.request({ url: flagListUrl, method: 'GET', ...moderator });
  result.flags = flags.data.results;
  result.flagListAsMember = await failure(http.request({ url: flagListUrl, method: 'GET' }));
  await FeedObjectService.flagFeedObject(TYPE, target, { flag_type: 2 }); // again: unflag
  result.flagUndone = await FeedObjectService.feedObjectFlagStatus(TYPE, target);

  // --- hide ---
  assert.equal(await FeedObjectService.hideFeedObject(TYPE, hidden), '');
  result.hidden = await FeedObjectService.feedObjectHideStatus(TYPE, hidden);
  const all = await FeedObjectService.getAllFeedObjects(TYPE, { limit: 50 });
  result.listedAfterHide = all.results.map((s) => s.id);
  result.hiddenStillThere = (await get(hidden)).id;

  // --- lists ---
  const contributors = await FeedObjectService.feedObjectContributorsList(TYPE, target, { limit: 5 });
  result.contributors = contributors.results.map((u) => u.username);
  const relatedPage = await FeedObjectService.relatedFeedObjects(TYPE, target, { limit: 10 });
  result.relatedIds = relatedPage.results.map((s) => s.id);
  const shares = await FeedObjectService.feedObjectSharesList(TYPE, target, { limit: 10 });
  result.shareIds = shares.results.map((s) => s.id);
  const sharers = await FeedObjectService.feedObjectUserSharesList(TYPE, target, { limit: 10 });
  result.sharers = sharers.results.map((u) => u.username);
  const uncommented = await FeedObjectService.getUncommentedFeedObjects(TYPE, { limit: 50 });
  result.uncommentedIds = uncommented.results.map((s) => s.id);
  assert.ok(related && sharing);

  // --- an unknown status ---
  result.unknownVote = await failure(FeedObjectService.voteFeedObject(TYPE, unknown));

  result.exchanges = exchanges.map(({ method, path, query, sentBody, status }) => ({
    method,
    path,
    query,
    sentBody,
    status,
  }));
  result.replies = validateExchanges(exchanges);
  process.stdout.write(`SOCIAL-RESULT ${JSON.stringify(result)}\n`);
  assert.deepEqual(result.replies.problems, [], 'every reply matches @selfcommunity/types');
}

main().catch((error) => {
  const detail = error.response ? JSON.stringify(error.response.data) : '';
  process.stderr.write(`SDK social flow failed: ${error.stack || error} ${detail}\n`);
  process.exit(1);
});
