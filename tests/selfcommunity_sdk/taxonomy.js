#!/usr/bin/env node
// Drives the category and tag calls of the vendor's SDK (@selfcommunity/api-services'
// CategoryService and TagService) against a live portal:
//   node taxonomy.js INPUT.json
// INPUT.json: {"baseUrl", "token" (a member), "managerToken" (community.change_category),
//              "ids": {...}}  (tests/community/test_taxonomy_sdk.py makes it).
// Each step is one SDK service method (or, for a route the SDK has no method for, one
// request through the SDK's own http client). Every reply is validated against the JSON
// Schemas generated from the vendor's @selfcommunity/types (schemas.js): a success against
// the type the route returns, an error against the portal's `errors` envelope. Prints one
// line "SDK-RESULT <json>" with each step's status and body; exits non-zero when the SDK
// could not run or a reply does not match its type.
'use strict';

const {
  http,
  CategoryService,
  TagService,
  formatHttpErrorCode,
} = require('@selfcommunity/api-services');
const { TYPES, generateSchemas, makeValidator } = require('./schemas');

// The reply types of these routes, beyond the ones schemas.js names.
const MORE_TYPES = {
  feedUnit: 'SCFeedUnitType',
  audience: 'SCCategoryAudienceType',
  followed: 'SCCategoryFollowedStatusType',
};

// A route the SDK has no service method for, through the SDK's own client.
function get(path, params) {
  return http.request({ url: path, method: 'GET', params }).then((res) => res.data);
}

// [name, the kind of a successful reply ('empty' for 204), the call].
const STEPS = (ids, asManager) => [
  // The category list's filters (CategoryService.getAllCategories passes them on).
  ['listAll', 'page:category', () => CategoryService.getAllCategories({ limit: 50 })],
  ['listSearch', 'page:category', () => CategoryService.getAllCategories({ search: 'NEWS' })],
  ['listInactive', 'page:category', () => CategoryService.getAllCategories({ active: false })],
  ['listDeleted', 'page:category', () => CategoryService.getAllCategories({ deleted: true })],
  [
    'listPostable',
    'page:category',
    () => CategoryService.getAllCategories({ can_create_content: true, limit: 50 }),
  ],
  ['listBadBoolean', 'errors', () => CategoryService.getAllCategories({ active: 'maybe' })],
  // The React UI's hashtag lookup (Editor/plugins/HashtagPlugin.js) sends exactly this.
  [
    'searchHashtag',
    'page:category',
    () => CategoryService.searchCategory({ search: 'rel', limit: 5, active: true }),
  ],
  // Following: the one route both follows and unfollows.
  ['isFollowedBefore', 'followed', () => CategoryService.checkCategoryIsFollowed(ids.releases)],
  ['follow', 'empty', () => CategoryService.followCategory(ids.releases)],
  ['isFollowedAfter', 'followed', () => CategoryService.checkCategoryIsFollowed(ids.releases)],
  ['oneCategory', 'category', () => CategoryService.getSpecificCategory(ids.releases)],
  ['followed', 'page:category', () => CategoryService.getFollowedCategories({ limit: 10 })],
  [
    'followedSearch',
    'page:category',
    () => CategoryService.getFollowedCategories({ search: 'nothing like it' }),
  ],
  ['followers', 'page:user', () => CategoryService.getCategoryFollowers(ids.releases, {})],
  ['audience', 'audience', () => CategoryService.getCategoryAudience(ids.releases)],
  ['popular', 'page:category', () => CategoryService.getPopularCategories({ limit: 3 })],
  // The feed: the category's posts (and its children's), none deleted or hidden by me.
  ['feed', 'page:feedUnit', () => CategoryService.getCategoryFeed(ids.root, { limit: 20 })],
  [
    'feedByActivity',
    'page:feedUnit',
    () => CategoryService.getCategoryFeed(ids.releases, { ordering: 'last_activity' }),
  ],
  [
    'feedRelevance',
    'errors',
    () => CategoryService.getCategoryFeed(ids.releases, { ordering: 'relevance' }),
  ],
  ['unfollow', 'empty', () => CategoryService.followCategory(ids.releases)],
  ['isFollowedAtEnd', 'followed', () => CategoryService.checkCategoryIsFollowed(ids.releases)],
  ['unknownCategory', 'errors', () => CategoryService.checkCategoryIsFollowed(ids.missing)],
  ['followUnknown', 'errors', () => CategoryService.followCategory(ids.missing)],
  // No service method: the SDK's client.
  ['children', 'page:category', () => get(`/api/v2/category/${ids.root}/children/`)],
  ['parents', 'page:category', () => get(`/api/v2/category/${ids.releases}/parents/`)],
  ['tagSearch', 'page:tag', () => get('/api/v2/tag/search/', { search: 'team', type: 'user' })],
  // The tag list's filters and orderings (TagService.getAllTags passes them on).
  ['tagsNewest', 'page:tag', () => TagService.getAllTags({ limit: 50 })],
  ['tagsByName', 'page:tag', () => TagService.getAllTags({ ordering: '-type,name', limit: 50 })],
  [
    'tagsFiltered',
    'page:tag',
    () => TagService.getAllTags({ search: 'E', active: true, visible: true, type: 'user' }),
  ],
  ['tagsHidden', 'page:tag', () => TagService.getAllTags({ visible: false })],
  ['tagsDeleted', 'page:tag', () => TagService.getAllTags({ deleted: true })],
  ['tagsBadOrdering', 'errors', () => TagService.getAllTags({ ordering: 'name,password' })],
  // The Composer's TagAutocomplete (components/TagAutocomplete) sends exactly this.
  ['userTags', 'page:tag', () => TagService.searchUserTags({ search: 'tea' })],
  // Putting a tag on a category: a manager may, a member may not.
  [
    'assignAsMember',
    'errors',
    () => TagService.assignATag(ids.categoryTag, undefined, ids.releases),
  ],
  [
    'assign',
    'empty',
    () => TagService.assignATag(ids.categoryTag, undefined, ids.releases, asManager),
  ],
  [
    'assignAgain',
    'empty',
    () => TagService.assignATag(ids.categoryTag, undefined, ids.releases, asManager),
  ],
  ['assignUser', 'errors', () => TagService.assignATag(ids.categoryTag, 7, undefined, asManager)],
  ['categoryWithTag', 'category', () => CategoryService.getSpecificCategory(ids.releases)],
];

// The status of the last reply the SDK's client received (its methods return the body).
const last = { status: null };
http.getClientInstance().interceptors.response.use((response) => {
  last.status = response.status;
  return response;
});

// What the portal answered: the status and body, and for an error the SDK's own reading.
async function answer(call) {
  try {
    const body = await call();
    return { status: last.status, body };
  } catch (error) {
    if (!error.response) throw error;
    return {
      status: error.response.status,
      codes: formatHttpErrorCode(error),
      body: error.response.data,
    };
  }
}

async function main() {
  const input = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
  http.setBasePortal(input.baseUrl);
  http.setAuthorizeToken(input.token);
  const asManager = { headers: { Authorization: `Bearer ${input.managerToken}` } };
  const validate = makeValidator(generateSchemas({ ...TYPES, ...MORE_TYPES }));
  const result = { steps: {}, problems: [] };
  for (const [name, kind, call] of STEPS(input.ids, asManager)) {
    const reply = await answer(call);
    result.steps[name] = reply;
    const success = reply.status < 300;
    const expected = kind === 'errors' ? !success : success;
    if (!expected) {
      result.problems.push(`${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
      continue;
    }
    const found =
      kind === 'empty'
        ? reply.body === ''
          ? []
          : ['a 204 reply has a body']
        : validate(kind, reply.body);
    for (const problem of found) result.problems.push(`${name} (${kind}): ${problem}`);
  }
  process.stdout.write(`SDK-RESULT ${JSON.stringify(result)}\n`);
  if (result.problems.length) {
    throw new Error(`replies that do not match their type:\n${result.problems.join('\n')}`);
  }
}

main().catch((error) => {
  const detail = error.response ? JSON.stringify(error.response.data) : '';
  process.stderr.write(`SDK taxonomy flow failed: ${error.stack || error} ${detail}\n`);
  process.exit(1);
});
