#!/usr/bin/env node
// Drives the vendor's SDK (@selfcommunity/api-services, FeedObjectService with type
// "status") against a live portal:  node run.js BASE_URL ACCESS_TOKEN
// (or SC_BASE_URL / SC_ACCESS_TOKEN in the environment). Prints one line
// "SDK-RESULT <json>" with what the SDK returned, and exits non-zero on any failure.
'use strict';

const assert = require('node:assert/strict');
const {
  http,
  CategoryService,
  FeedObjectService,
  formatHttpError,
  formatHttpErrorCode,
} = require('@selfcommunity/api-services');

const TYPE = 'status';

async function main() {
  const baseUrl = process.argv[2] || process.env.SC_BASE_URL;
  const token = process.argv[3] || process.env.SC_ACCESS_TOKEN;
  if (!baseUrl || !token) {
    throw new Error('usage: node run.js BASE_URL ACCESS_TOKEN');
  }
  http.setBasePortal(baseUrl);
  http.setAuthorizeToken(token);
  const result = {};

  const categories = await CategoryService.getAllCategories({ limit: 10 });
  assert.ok(categories.count >= 1, 'the portal has a category');
  const categoryId = categories.results[0].id;
  result.categoryId = categoryId;

  const created = await FeedObjectService.createFeedObject(TYPE, {
    action: 'Hello from the SDK',
    text: '<p>Made by <b>api-services</b><script>alert(1)</script></p>',
    categories: [categoryId],
    location: { location: 'Rome', lat: 41.9, lng: 12.5 },
  });
  assert.equal(created.type, 'status');
  assert.equal(created.action, 'Hello from the SDK');
  result.created = created;

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

  process.stdout.write(`SDK-RESULT ${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  const detail = error.response ? JSON.stringify(error.response.data) : '';
  process.stderr.write(`SDK flow failed: ${error.stack || error} ${detail}\n`);
  process.exit(1);
});
