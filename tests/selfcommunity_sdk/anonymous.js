#!/usr/bin/env node
// Drives the vendor's SDK (@selfcommunity/api-services) against a live portal as an
// anonymous client: no `http.setAuthorizeToken`, so no Authorization header, as the React
// UI runs before anyone signs in when the community's `content_availability` is on.
//   node anonymous.js BASE_URL STATUS_ID CATEGORY_ID TAG_ID [BEARER]
// BEARER, when given, is sent instead (a refused bearer must stay refused).
// Each call below is one SDK service method; the script records how the portal answered
// (the HTTP status, and the SDK's own `formatHttpErrorCode` of an error). A reply that
// succeeded is validated against the JSON Schemas generated from @selfcommunity/types
// (schemas.js). Prints one line "SDK-RESULT <json>"; exits non-zero only when the SDK
// itself could not run or a successful reply does not match its type.
'use strict';

const {
  http,
  CategoryService,
  FeedObjectService,
  TagService,
  formatHttpErrorCode,
} = require('@selfcommunity/api-services');
const { makeValidator } = require('./schemas');

const TYPE = 'status';

// [name, the kind of its reply (schemas.js), the call].
const READS = (ids) => [
  ['getAllFeedObjects', 'page:status', () => FeedObjectService.getAllFeedObjects(TYPE, {})],
  ['searchFeedObject', 'page:status', () => FeedObjectService.searchFeedObject(TYPE, {})],
  ['getSpecificFeedObject', 'status', () => FeedObjectService.getSpecificFeedObject(TYPE, ids.s)],
  ['getAllCategories', 'page:category', () => CategoryService.getAllCategories({ limit: 10 })],
  ['getSpecificCategory', 'category', () => CategoryService.getSpecificCategory(ids.c)],
  ['getAllTags', 'page:tag', () => TagService.getAllTags({ type: 'contribution' })],
  ['getSpecificTag', 'tag', () => TagService.getSpecificTag(ids.t)],
];

const POST = { text: 'Anonymous', categories: [] };
const WRITES = (ids) => [
  ['createFeedObject', () => FeedObjectService.createFeedObject(TYPE, POST)],
  ['updateFeedObject', () => FeedObjectService.updateFeedObject(TYPE, ids.s, POST)],
  ['deleteFeedObject', () => FeedObjectService.deleteFeedObject(TYPE, ids.s)],
  ['restoreFeedObject', () => FeedObjectService.restoreFeedObject(TYPE, ids.s)],
  ['createCategory', () => CategoryService.createCategory({ name: 'Anonymous' })],
  ['patchASpecificCategory', () => CategoryService.patchASpecificCategory(ids.c, { name: 'x' })],
  ['deleteASpecificCategory', () => CategoryService.deleteASpecificCategory(ids.c)],
  ['createTag', () => TagService.createTag({ name: 'anonymous', type: 'contribution' })],
  ['patchTag', () => TagService.patchTag(ids.t, { name: 'x' })],
];

// What the portal answered: the status and, for an error, the SDK's reading of its body.
async function answer(call) {
  try {
    return { status: 200, body: await call() };
  } catch (error) {
    if (!error.response) throw error;
    return {
      status: error.response.status,
      codes: formatHttpErrorCode(error),
      body: error.response.data,
      challenge: error.response.headers['www-authenticate'] || null,
    };
  }
}

async function main() {
  const [baseUrl, status, category, tag, bearer] = process.argv.slice(2);
  if (!baseUrl || !status || !category || !tag) {
    throw new Error('usage: node anonymous.js BASE_URL STATUS_ID CATEGORY_ID TAG_ID [BEARER]');
  }
  http.setBasePortal(baseUrl);
  http.setAuthorizeToken(bearer); // none: the header is left out
  const ids = { s: Number(status), c: Number(category), t: Number(tag) };
  let validate; // the schemas take seconds to generate: only when a reply needs them
  const result = { reads: {}, writes: {}, problems: [] };

  for (const [name, kind, call] of READS(ids)) {
    const reply = await answer(call);
    if (reply.status === 200) {
      validate = validate || makeValidator();
      for (const problem of validate(kind, reply.body)) {
        result.problems.push(`${name} (${kind}): ${problem}`);
      }
    }
    result.reads[name] = reply;
  }
  for (const [name, call] of WRITES(ids)) {
    const { body, ...reply } = await answer(call);
    result.writes[name] = reply;
  }
  process.stdout.write(`SDK-RESULT ${JSON.stringify(result)}\n`);
  if (result.problems.length) {
    throw new Error(`replies that do not match @selfcommunity/types: ${result.problems}`);
  }
}

main().catch((error) => {
  process.stderr.write(`SDK flow failed: ${error.stack || error}\n`);
  process.exit(1);
});
