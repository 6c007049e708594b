#!/usr/bin/env node
// Drives the vendor's SDK (@selfcommunity/api-services, FeedObjectService with type
// "status", CategoryService, TagService, MediaService) against a live portal:
//   node run.js BASE_URL ACCESS_TOKEN
// (or SC_BASE_URL / SC_ACCESS_TOKEN in the environment). Every reply the SDK receives is
// validated against the JSON Schemas generated from the vendor's @selfcommunity/types
// (schemas.js). Prints one line "SDK-RESULT <json>" with what the SDK returned, and exits
// non-zero on any failure, a reply that does not match its type included.
'use strict';

const assert = require('node:assert/strict');
const {
  http,
  CategoryService,
  FeedObjectService,
  MediaService,
  TagService,
  formatHttpError,
  formatHttpErrorCode,
} = require('@selfcommunity/api-services');
const { makeValidator } = require('./schemas');

const TYPE = 'status';

// Which type a reply has, by method and path; errors (4xx) have the `errors` envelope.
const ROUTES = [
  ['GET', /^\/api\/v2\/category\/$/, 'page:category'],
  ['GET', /^\/api\/v2\/tag\/$/, 'page:tag'],
  ['GET', /^\/api\/v2\/tag\/\d+\/$/, 'tag'],
  ['POST', /^\/api\/v2\/media\/$/, 'media'],
  ['GET', /^\/api\/v2\/media\/\d+\/$/, 'media'],
  ['POST', /^\/api\/v2\/status\/$/, 'status'],
  ['GET', /^\/api\/v2\/status\/(search\/)?$/, 'page:status'],
  ['GET', /^\/api\/v2\/status\/\d+\/$/, 'status'],
  ['PUT', /^\/api\/v2\/status\/\d+\/$/, 'status'],
];

function replyKind(method, pathname, status) {
  if (status === 204) return 'empty';
  if (status >= 400) return 'errors';
  const route = ROUTES.find(([m, re]) => m === method && re.test(pathname));
  if (!route) throw new Error(`no schema for the reply of ${method} ${pathname}`);
  return route[2];
}

// Records every reply the SDK's axios client receives, success or error.
function recordReplies(replies) {
  const record = (response) => {
    const url = new URL(response.config.url, response.config.baseURL);
    replies.push({
      method: response.config.method.toUpperCase(),
      path: url.pathname,
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

function validateReplies(replies) {
  const validate = makeValidator();
  const problems = [];
  const kinds = {};
  for (const reply of replies) {
    const kind = replyKind(reply.method, reply.path, reply.status);
    kinds[kind] = (kinds[kind] || 0) + 1;
    const found =
      kind === 'empty'
        ? reply.body === '' || reply.body === undefined
          ? []
          : ['a 204 reply has a body']
        : validate(kind, reply.body);
    for (const problem of found) {
      problems.push(`${reply.method} ${reply.path} ${reply.status} (${kind}): ${problem}`);
    }
  }
  return { count: replies.length, kinds, problems };
}

async function main() {
  const baseUrl = process.argv[2] || process.env.SC_BASE_URL;
  const token = process.argv[3] || process.env.SC_ACCESS_TOKEN;
  if (!baseUrl || !token) {
    throw new Error('usage: node run.js BASE_URL ACCESS_TOKEN');
  }
  http.setBasePortal(baseUrl);
  http.setAuthorizeToken(token);
  const replies = [];
  recordReplies(replies);
  const result = {};

  const categories = await CategoryService.getAllCategories({ limit: 10 });
  assert.ok(categories.count >= 1, 'the portal has a category');
  const categoryId = categories.results[0].id;
  result.categoryId = categoryId;

  const userTags = await TagService.getAllTags({ type: 'user' });
  const contributionTags = await TagService.getAllTags({ type: 'contribution' });
  assert.ok(userTags.count >= 1 && contributionTags.count >= 1, 'the portal has tags');
  const addressing = userTags.results.map((tag) => tag.id);
  const tags = contributionTags.results.map((tag) => tag.id);
  result.tag = await TagService.getSpecificTag(tags[0]);

  const media = await MediaService.createMedia({ type: 'url', url: 'https://example.com/sdk' });
  assert.equal(media.type, 'url');
  result.media = await MediaService.getSpecificMedia(media.id);

  const created = await FeedObjectService.createFeedObject(TYPE, {
    action: 'Hello from the SDK',
    text: '<p>Made by <b>api-services</b><script>alert(1)</script></p>',
    categories: [categoryId],
    medias: [media.id],
    location: { location: 'Rome', lat: 41.9, lng: 12.5 },
    addressing,
    tags,
  });
  assert.equal(created.type, 'status');
  assert.equal(created.action, 'Hello from the SDK');
  result.created = created;

  // The SDK's types and the api-docs example leave `action` out: a missing key is null.
  const plain = await FeedObjectService.createFeedObject(TYPE, {
    text: 'No headline',
    categories: [categoryId],
  });
  assert.equal(plain.action, null);
  result.withoutAction = plain;

  const page = await FeedObjectService.getAllFeedObjects(TYPE, { limit: 5, offset: 0 });
  assert.ok(page.results.some((s) => s.id === created.id), 'the list shows the new status');
  result.listCount = page.count;

  const found = await FeedObjectService.searchFeedObject(TYPE, { search: 'api-services' });
  assert.ok(found.results.some((s) => s.id === created.id), 'search finds it');
  result.searchCount = found.count;

  const fetched = await FeedObjectService.getSpecificFeedObject(TYPE, created.id);
  assert.equal(fetched.id, created.id);
  result.retrieved = fetched.id;

  const updated = await FeedObjectService.updateFeedObject(TYPE, created.id, {
    action: 'Edited by the SDK',
    text: 'Edited',
    categories: [categoryId],
  });
  assert.equal(updated.action, 'Edited by the SDK');
  assert.ok(updated.last_edited_at);
  result.updated = updated;

  await FeedObjectService.deleteFeedObject(TYPE, created.id);
  let gone;
  try {
    await FeedObjectService.getSpecificFeedObject(TYPE, created.id);
  } catch (error) {
    gone = error.response && error.response.status;
  }
  assert.equal(gone, 404, 'a deleted status is 404');
  result.deletedStatus = gone;
  await FeedObjectService.restoreFeedObject(TYPE, created.id);
  result.restored = (await FeedObjectService.getSpecificFeedObject(TYPE, created.id)).id;

  // A create without categories: the field error, through the SDK's own formatting.
  try {
    await FeedObjectService.createFeedObject(TYPE, { action: 'No category', text: 'x' });
    throw new Error('a status without categories was accepted');
  } catch (error) {
    assert.ok(error.response, String(error));
    result.missingCategories = {
      status: error.response.status,
      formatted: formatHttpError(error),
      codes: formatHttpErrorCode(error),
    };
  }
  assert.deepEqual(result.missingCategories.formatted, {
    categoriesError: { error: 'This field is required.' },
  });

  result.replies = validateReplies(replies);
  process.stdout.write(`SDK-RESULT ${JSON.stringify(result)}\n`);
  assert.deepEqual(result.replies.problems, [], 'every reply matches @selfcommunity/types');
}

main().catch((error) => {
  const detail = error.response ? JSON.stringify(error.response.data) : '';
  process.stderr.write(`SDK flow failed: ${error.stack || error} ${detail}\n`);
  process.exit(1);
});
