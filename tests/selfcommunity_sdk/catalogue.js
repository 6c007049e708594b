#!/usr/bin/env node
// The endpoint catalogue of the pinned @selfcommunity/api-services against a live portal:
//   node catalogue.js INPUT.json
// INPUT.json (written by tests/community/test_selfcommunity_catalogue.py):
//   {"baseUrl", "token", "staffToken", "ids": {...}, "imageUrl", "png": base64,
//    "leftOut": [{"entry", "route", "why"}, ...]}
//
// What is checked is read from the package, not copied:
// - the routes: every entry of its `Endpoints` whose URL, with type "status", lies under
//   /api/v2/status/, /api/v2/category/, /api/v2/tag/ or /api/v2/media/;
// - the SDK service methods that send each entry: read from the compiled services
//   (lib/cjs/services/*/index.js, the `Endpoints_1.default.<Entry>` inside each static
//   method of an *ApiClient class), called through the exported *Service class;
// - the reply each method promises: its Promise type in lib/cjs/services/*/index.d.ts,
//   validated with the JSON Schemas generated from @selfcommunity/types (schemas.js).
// What is written here: the arguments of each call, the documented success status of each
// entry (the vendor's api-docs page), and the overrides where the SDK's own declaration or
// request is wrong, each with its reason.
//
// An entry named in `leftOut` (docs/contracts/selfcommunity.md) must exist in the catalogue
// and must not be served: 404 or 405 in the surface's `errors` shape. Every other entry must
// answer its documented success with a body of its documented type. Prints one line
// "CATALOGUE-RESULT <json>"; exits non-zero only when the run itself breaks.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const sdk = require('@selfcommunity/api-services');
const { generateSchemas, makeValidator } = require('./schemas');

const { Endpoints, http } = sdk;
const SERVICES_DIR = path.join(
  path.dirname(require.resolve('@selfcommunity/api-services')),
  'services'
);
const TYPE = 'status';
const SELECTED = /^\/api\/v2\/(status|category|tag|media)\//;

// ---------------------------------------------------------------------------------------
// The catalogue, read from the package.

// An entry's URL with each placeholder named: /api/v2/{type}/{id}/vote/.
const NAMED = new Proxy({}, { get: (_, key) => (typeof key === 'string' ? `{${key}}` : '') });

function route(entry) {
  return `${entry.method.toUpperCase()} ${entry.url(NAMED).replaceAll('{type}', TYPE)}`;
}

function selectEntries() {
  const selected = {};
  for (const [name, entry] of Object.entries(Endpoints)) {
    if (!entry || typeof entry.url !== 'function') continue;
    const url = entry.url(NAMED).replaceAll('{type}', TYPE);
    if (SELECTED.test(url)) selected[name] = entry;
  }
  return selected;
}

// Splits "a: X<b, c>, d?: Y" at the commas outside brackets.
function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if ('<({['.includes(char)) depth += 1;
    if ('>)}]'.includes(char)) depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

// The body of `class <name> {` up to its closing brace at the start of a line.
function classBody(source, opening) {
  const start = source.indexOf(opening);
  if (start < 0) return null;
  const end = source.indexOf('\n}', start);
  return source.slice(start + opening.length, end < 0 ? undefined : end);
}

// { entryName: [ {via, method, call, params, returns} ] }: which service methods send
// which Endpoints entry, read from the compiled services and their declarations.
function serviceMethods() {
  const exportedName = new Map(Object.entries(sdk).map(([name, value]) => [value, name]));
  const byEntry = {};
  for (const dir of fs.readdirSync(SERVICES_DIR).sort()) {
    const jsPath = path.join(SERVICES_DIR, dir, 'index.js');
    if (!fs.existsSync(jsPath)) continue;
    const js = fs.readFileSync(jsPath, 'utf8');
    const dts = fs.readFileSync(path.join(SERVICES_DIR, dir, 'index.d.ts'), 'utf8');
    const loaded = require(path.join(SERVICES_DIR, dir));
    const service = loaded.default;
    for (const [, clientName] of js.matchAll(/\nclass (\w+ApiClient) \{/g)) {
      const client = loaded[clientName];
      const body = classBody(js, `\nclass ${clientName} {`);
      const declared = classBody(dts, `export declare class ${clientName} {`) || '';
      const chunks = body.split(/\n {4}static (\w+)\(/);
      for (let i = 1; i < chunks.length; i += 2) {
        const method = chunks[i];
        const used = chunks[i + 1].matchAll(/Endpoints_1\.default\.(\w+)/g);
        const entries = new Set([...used].map((m) => m[1]));
        const signature = new RegExp(`static ${method}\\((.*)\\): (.+);`).exec(declared);
        const params = signature
          ? splitTopLevel(signature[1]).map((p) => {
              const [, name, optional] = /^(\w+)(\??):/.exec(p);
              return { name, optional: optional === '?' };
            })
          : [];
        // Called as users call it: through the exported service, else the API client.
        const owner = service && typeof service[method] === 'function' ? service : client;
        const via = `${exportedName.get(owner) || clientName}.${method}`;
        for (const entry of entries) {
          (byEntry[entry] = byEntry[entry] || []).push({
            via,
            method,
            call: (...args) => owner[method](...args),
            params,
            returns: signature ? signature[2].trim() : null,
          });
        }
      }
    }
  }
  return byEntry;
}

// ---------------------------------------------------------------------------------------
// What the vendor documents, and where the SDK is wrong.

// The success status of each entry, from its api-docs page
// (docs/apireference/v2/<resource>/<page>.md, "Responses").
const DOCUMENTED = {
  FeedObjectList: 200, // status/get_all_statuses
  FeedObjectsUncommented: 200, // status/get_all_uncommented_statuses
  SearchFeedObject: 200, // status/search_a_status
  CreateFeedObject: 201, // status/create_a_status
  Composer: 201, // status/create_a_status (the React Composer's POST)
  FeedObject: 200, // status/get_a_specific_status
  UpdateFeedObject: 200, // status/update_a_specific_status
  ComposerEdit: 200, // status/update_a_specific_status (the React Composer's PUT)
  DeleteFeedObject: 204, // status/delete_a_status
  RestoreFeedObject: 204, // status/restore_a_status
  FeedObjectContributorsList: 200, // status/get_list_of_contributors_for_a_specific_status
  Contributors: 200, // the same page
  FeedObjectSharesList: 200, // status/get_list_of_shares_for_a_specific_status
  FeedObjectUserSharesList: 200, // status/get_list_of_shares_users_for_a_specific_status
  ShareUsersList: 200, // the same page (the React SharesDialog)
  RelatedFeedObjects: 200, // status/get_list_of_related_statuses
  Vote: 204, // status/upvote_for_a_specific_status
  VotesList: 200, // status/get_list_of_votes_for_a_specific_status
  FollowContribution: 204, // status/follow_a_status
  CheckIfFollowingFeedObject: 200, // status/check_following_status
  FeedObjectFollowingList: 200, // status/get_list_of_followed_statuses
  Flag: 204, // status/flag_a_specific_status
  FlagStatus: 200, // status/get_flag_status_for_a_specific_status
  FeedObjectFlagList: 200, // status/get_list_of_flags_for_a_specific_status
  HideFeedObject: 204, // status/hide_a_specific_status
  FeedObjectHideStatus: 200, // status/get_hide_status_for_a_specific_status
  UserSuspendContributionNotification: 204, // status/suspend_a_status
  UserCheckContributionNotificationSuspended: 200, // status/check_suspended_status
  UserListContributionNotificationSuspended: 200, // status/get_list_of_suspended_statuses
  CategoryList: 200, // category/get_all_categories
  ComposerCategoryList: 200, // the same page (the React Composer's category list)
  SearchCategory: 200, // category/search_a_category
  CreateCategory: 201, // category/create_a_category
  Category: 200, // category/get_a_specific_category
  UpdateCategory: 200, // category/update_a_specific_category
  PatchCategory: 200, // category/patch_a_specific_category
  DeleteCategory: 204, // category/delete_a_specific_category
  CategoryAudience: 200, // category/get_categorys_audience
  CategoryFollowers: 200, // category/get_categorys_followers
  CategoryFeed: 200, // category/get_categorys_feed
  CategoryTrendingFeed: 200, // category/get_categorys_trending_feed
  CategoryTrendingPeople: 200, // category/get_categorys_trending_followers
  FollowCategory: 204, // category/follow_a_category
  CheckCategoryIsFollowed: 200, // category/check_category_followed
  CategoriesFollowed: 200, // category/get_followed_categories
  PopularCategories: 200, // category/get_popular_categories
  TagsList: 200, // tag/get_all_tags
  CreateTag: 201, // tag/create_a_tag
  Tag: 200, // tag/get_a_specific_tag
  UpdateTag: 200, // tag/update_a_specific_tag
  PatchTag: 200, // tag/patch_a_specific_tag
  AssignTag: 204, // tag/assign_a_tag (the SDK declares Promise<SCTagType>; the page says 204)
  SearchUserTags: 200, // no api-docs page: a GET search, a page of SCTagType by the SDK's type
  ComposerChunkUploadMedia: 201, // media/chunk_upload_media
  ComposerChunkUploadMediaComplete: 201, // media/chunk_upload_media_complete
  ComposerMediaCreate: 201, // media/create_a_media
  GetMedia: 200, // media/get_a_specific_media
  UpdateMedia: 200, // media/update_a_media
  DeleteMedia: 204, // media/delete_a_media
  MediaClickTracker: 204, // media/click_a_specific_media
  // GetScheduledFeedObjects, GetDraftedFeedObjects, PublishFeedObject, GetDownloadCSV,
  // PollVote and PollVotesList have no api-docs page for statuses.
};

// The SDK declares SCFeedObjectType, the union of discussion, post and status; with type
// "status" the object is a status.
const AS_STATUS = { SCFeedObjectType: 'SCFeedStatusType' };

// Reply types where the SDK's declaration is wrong (a 204 needs none: its body is empty).
const REPLY = {
  // Declared Promise<SCPaginatedResponse<SCFlagType>>; the api-docs page shows one Flag, and
  // the React UI's ContributionActionsMenu reads `data.flag_type` from it.
  FlagStatus: { page: false, type: 'SCFlagType' },
};

// Service methods that cannot be called as they are: the request the SDK builds is not the
// documented one. The catalogue sends the documented request (the React UI's where it has
// one) through the SDK's `http` client instead, and checks, without sending it, that the
// SDK still builds the broken one, so the bypass goes when the SDK is fixed.
const BYPASS = {
  followFeedObject: {
    why:
      'builds its URL without `type` (Endpoints.FollowContribution.url({ id })): it posts to ' +
      '/api/v2/undefined/{id}/follow/. The React UI Follow button passes the type.',
    broken: (request) => request.url.includes('/undefined/'),
  },
  feedObjectFlagList: {
    why:
      'sends Endpoints.FeedObjectFlagList, a POST: the route of Flag, without a flag_type. The ' +
      'api-docs list the flags with GET /api/v2/status/{id}/flag/ (moderators).',
    broken: (request) => request.method.toUpperCase() === 'POST',
    method: 'GET',
  },
  chunkUploadMedia: {
    why:
      "cannot send a file: its request sets only Content-Range, so the client's default " +
      'Content-Type: application/json for POST applies, under which axios turns a FormData ' +
      'body into JSON ({"image":{}}). The React UI uploads chunks with @rpldy/chunked-uploady ' +
      '(multipart, field `image`, Content-Range); that request is sent instead.',
    broken: (request) => /application\/json/.test(String(request.headers.getContentType())),
  },
};

// Entries called with the moderator's token: writes that need a permission or a staff role.
const AS_STAFF = new Set([
  'CreateCategory',
  'UpdateCategory',
  'PatchCategory',
  'DeleteCategory',
  'CreateTag',
  'UpdateTag',
  'PatchTag',
  'AssignTag',
  'FeedObjectFlagList',
  'GetDownloadCSV',
]);

// Which fixture an entry acts on (ids key), when not the plain one of its resource.
const TARGET = {
  UpdateFeedObject: 'own_status',
  ComposerEdit: 'own_status',
  DeleteFeedObject: 'status_to_delete',
  RestoreFeedObject: 'status_to_delete',
  HideFeedObject: 'status_to_hide',
  FeedObjectHideStatus: 'status_to_hide',
  PublishFeedObject: 'own_status',
  DeleteCategory: 'category_to_delete',
  DeleteMedia: 'media_to_delete',
  AssignTag: 'category_tag',
};

// An entry runs after the one it reads the effect of.
const AFTER = {
  RestoreFeedObject: 'DeleteFeedObject',
  FeedObjectHideStatus: 'HideFeedObject',
  FlagStatus: 'Flag',
  FeedObjectFlagList: 'Flag',
  VotesList: 'Vote',
  CheckIfFollowingFeedObject: 'FollowContribution',
  FeedObjectFollowingList: 'FollowContribution',
  UserCheckContributionNotificationSuspended: 'UserSuspendContributionNotification',
  UserListContributionNotificationSuspended: 'UserSuspendContributionNotification',
  CheckCategoryIsFollowed: 'FollowCategory',
  CategoriesFollowed: 'FollowCategory',
  CategoryFollowers: 'FollowCategory',
  ComposerChunkUploadMediaComplete: 'ComposerChunkUploadMedia',
};

// What a well-shaped reply must also say, after the write it follows.
const EXPECT = {
  VotesList: [(b) => b.count >= 1, 'lists the vote just cast'],
  CheckIfFollowingFeedObject: [(b) => b.following === true, 'says following after the follow'],
  FeedObjectHideStatus: [(b) => b.hidden === true, 'says hidden after the hide'],
  UserCheckContributionNotificationSuspended: [(b) => b.suspended === true, 'says suspended'],
  CheckCategoryIsFollowed: [(b) => b.is_followed === true, 'says is_followed after the follow'],
  FlagStatus: [(b) => b.flag_type === 0, 'returns the flag just made (flag_type 0)'],
  FeedObjectFlagList: [(b) => b.count >= 1, 'lists the flag just made'],
};

function statusBody(ctx, text) {
  return { text, categories: [ctx.ids.category], tags: [ctx.ids.tag] };
}

function chunkForm(ctx) {
  const form = new FormData();
  form.append('image', new Blob([ctx.png], { type: 'image/png' }), 'catalogue.png');
  return form;
}

// Arguments of the service methods whose parameters are more than type, id and optional
// ones (serviceArgs fills those).
const ARGS = {
  getAllFeedObjects: () => ['status', { limit: 5 }],
  searchFeedObject: () => ['status', { search: 'catalogue' }],
  createFeedObject: (ctx) => ['status', statusBody(ctx, 'Made by the catalogue')],
  updateFeedObject: (ctx, id) => ['status', id, statusBody(ctx, 'Edited by the catalogue')],
  // Declared `flag_type: SCFlagTypeEnum` but sent as the whole body (`data: flag_type`), so
  // the declared argument 0 posts the bare JSON `0`; the documented body {"flag_type": 0}
  // (the React UI's) is sent by passing that object.
  flagFeedObject: (ctx, id) => ['status', id, { flag_type: 0 }],
  feedObjectPollVote: (ctx, id) => ['status', id, 1],
  getAllCategories: () => [{ limit: 5 }],
  searchCategory: () => [{ search: 'Catalogue' }],
  createCategory: () => [{ name: 'Made by the catalogue' }],
  updateASpecificCategory: (ctx, id) => [id, { name: 'Catalogue child, renamed' }],
  patchASpecificCategory: (ctx, id) => [id, { slogan: 'Patched by the catalogue' }],
  getAllTags: () => [{ type: 'contribution' }],
  searchUserTags: () => [{ search: 'catalogue' }],
  createTag: () => [{ name: 'made-by-catalogue', type: 'contribution' }],
  updateTag: (ctx, id) => [id, { name: 'catalogue-renamed', type: 'contribution' }],
  patchTag: (ctx, id) => [id, { description: 'Patched by the catalogue' }],
  // The portal keeps no member tags: the documented other form, a tag put on a category.
  assignATag: (ctx, id) => [id, undefined, ctx.ids.category],
  createMedia: () => [{ type: 'url', url: 'https://example.com/catalogue' }],
  // The preview of a link: the address of one of the caller's images (the portal fetches
  // no image from another site).
  updateMedia: (ctx, id) => [id, ctx.imageUrl],
  chunkUploadMedia: (ctx) => [chunkForm(ctx), 0, ctx.png.length - 1, ctx.png.length],
  chunkUploadMediaComplete: (ctx) => [
    {
      upload_id: (ctx.bodies.ComposerChunkUploadMedia || {}).upload_id || 'no-upload-id',
      type: 'image',
      md5: crypto.createHash('md5').update(ctx.png).digest('hex'),
    },
  ],
};

// Requests sent through `http` (entries that no service method sends, and bypasses): the
// Endpoints entry's own url() and method, with this data.
const REQUEST = {
  Composer: (ctx) => ({ data: statusBody(ctx, 'Made by the React Composer') }),
  ComposerEdit: (ctx) => ({ data: statusBody(ctx, 'Edited by the React Composer') }),
  ComposerChunkUploadMedia: (ctx) => ({
    data: chunkForm(ctx),
    headers: {
      'Content-Type': 'multipart/form-data',
      'Content-Range': `bytes 0-${ctx.png.length - 1}/${ctx.png.length}`,
    },
  }),
};

function resourceOf(entry) {
  return SELECTED.exec(entry.url(NAMED).replaceAll('{type}', TYPE))[1];
}

function targetId(ctx, name, entry) {
  const key = TARGET[name] || resourceOf(entry);
  if (!(key in ctx.ids)) throw new Error(`no fixture "${key}" in the input's ids`);
  return ctx.ids[key];
}

function serviceArgs(ctx, name, entry, found) {
  const id = targetId(ctx, name, entry);
  if (ARGS[found.method]) return ARGS[found.method](ctx, id);
  return found.params.map(({ name: param, optional }) => {
    if (param === 'type') return TYPE;
    if (param === 'id') return id;
    if (optional) return undefined;
    throw new Error(`no argument for ${found.via}(${param}): add it to ARGS in catalogue.js`);
  });
}

// ---------------------------------------------------------------------------------------
// Sending and recording.

class DryRun extends Error {}

function instrument(client) {
  const state = { replies: [], dryRun: null };
  client.interceptors.request.use((config) => {
    if (state.dryRun) {
      state.dryRun.request = config;
      throw new DryRun('not sent');
    }
    return config;
  });
  const record = (response) => {
    const url = new URL(response.config.url, response.config.baseURL);
    state.replies.push({
      method: response.config.method.toUpperCase(),
      path: url.pathname,
      status: response.status,
      body: response.data,
    });
  };
  client.interceptors.response.use(
    (response) => {
      record(response);
      return response;
    },
    (error) => {
      if (error.response) record(error.response);
      return Promise.reject(error);
    }
  );
  return state;
}

// The request a service method builds, without sending it.
async function requestOf(state, found, args) {
  const capture = {};
  state.dryRun = capture;
  try {
    await found.call(...args);
  } catch (error) {
    if (!(error instanceof DryRun)) throw error;
  } finally {
    state.dryRun = null;
  }
  return capture.request;
}

// Sends one call and returns its reply, or the reason there is none.
async function send(state, thunk) {
  const before = state.replies.length;
  let thrown = null;
  try {
    await thunk();
  } catch (error) {
    thrown = error;
  }
  if (state.replies.length === before) {
    return { reply: null, problem: `no reply: ${thrown ? thrown.message : 'nothing sent'}` };
  }
  return { reply: state.replies[state.replies.length - 1], problem: null };
}

function excerpt(body) {
  if (body === undefined || body === '') return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

// ---------------------------------------------------------------------------------------
// What each entry must answer.

// The documented reply of a served entry: empty for a 204, else the type its own service
// method declares, or one that sends the same method and path (Composer: createFeedObject).
function replyOf(name, group, methods) {
  if (DOCUMENTED[name] === 204) return { empty: true };
  if (REPLY[name]) return REPLY[name];
  for (const candidate of [name, ...group.filter((other) => other !== name)]) {
    for (const found of methods[candidate] || []) {
      const declared = /^Promise<(.*)>$/.exec(found.returns || '');
      if (!declared || declared[1] === 'any') continue;
      const page = /^SCPaginatedResponse<(.*)>$/.exec(declared[1]);
      const type = page ? page[1] : declared[1];
      return { page: Boolean(page), type: AS_STATUS[type] || type };
    }
  }
  return null;
}

function describe(reply) {
  if (!reply) return 'reply of unknown type';
  if (reply.empty) return 'empty';
  return reply.page ? `page of ${reply.type}` : reply.type;
}

// The contract's list of routes not served, against the package's catalogue.
function checkLeftOut(leftOut, selected) {
  const problems = [];
  const seen = new Set();
  for (const { entry, route: listed, why } of leftOut) {
    if (seen.has(entry)) problems.push(`${entry} is listed twice`);
    seen.add(entry);
    if (!(entry in Endpoints)) {
      problems.push(`${entry} is not an entry of the pinned package's Endpoints (stale list)`);
    } else if (!(entry in selected)) {
      problems.push(
        `${entry} (${route(Endpoints[entry])}) is not a status, category, tag or media route`
      );
    } else if (listed !== route(selected[entry])) {
      problems.push(
        `${entry} is listed as "${listed}"; the package's route is "${route(selected[entry])}"`
      );
    }
    if (!why || !why.trim()) problems.push(`${entry} is listed without a reason`);
  }
  return problems;
}

// A left-out entry: 404 or 405 in the surface's `errors` shape.
function checkNotServed(reply, validate) {
  if (![404, 405].includes(reply.status)) {
    return [`listed as not served in docs/contracts/selfcommunity.md, but answers ${reply.status}`];
  }
  const problems = validate('errors', reply.body).map((p) => `errors: ${p}`);
  const first = ((reply.body && reply.body.errors) || [])[0] || {};
  const wanted = reply.status === 404 ? 'not_found' : 'method_not_allowed';
  if (first.code !== wanted) problems.push(`error code ${first.code}, expected ${wanted}`);
  return problems;
}

// A served entry: its documented status, and a body of its documented type.
function checkServed(name, reply, expected, validate) {
  const status = DOCUMENTED[name];
  if (!status) {
    return [`no documented status for ${name}: add its api-docs page to DOCUMENTED`];
  }
  if (reply.status !== status) return [`answers ${reply.status}, documented ${status}`];
  if (!expected) {
    return [`no reply type for ${name}: its service method returns Promise<any>; add it to REPLY`];
  }
  if (expected.empty) {
    const empty = reply.body === '' || reply.body === undefined || reply.body === null;
    return empty ? [] : ['a 204 reply has a body'];
  }
  const kind = expected.page ? `page:${expected.type}` : expected.type;
  const problems = validate(kind, reply.body).map((p) => `${kind}: ${p}`);
  if (!problems.length && EXPECT[name] && !EXPECT[name][0](reply.body)) {
    problems.push(`the reply does not say what it should: it ${EXPECT[name][1]}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// The run.

// The calls that exercise one entry: one per service method that sends it (the documented
// request instead, through `http`, where the method is bypassed), else one through `http`.
async function callsOf(state, ctx, name, entry, methods) {
  const calls = [];
  for (const found of methods[name] || []) {
    const args = serviceArgs(ctx, name, entry, found);
    const bypass = BYPASS[found.method];
    if (!bypass) {
      calls.push({ via: found.via, thunk: () => found.call(...args) });
      continue;
    }
    const request = await requestOf(state, found, args);
    const problems = [];
    if (!request) problems.push(`the SDK's ${found.via} built no request`);
    else if (!bypass.broken(request)) {
      problems.push(
        `the SDK's ${found.via} now builds the documented request: call it, drop its BYPASS`
      );
    }
    const via = `http (${found.via} bypassed)`;
    calls.push({ ...httpCall(ctx, name, entry, bypass.method), via, problems });
  }
  if (!calls.length) calls.push({ ...httpCall(ctx, name, entry), via: 'http' });
  return calls;
}

// The Endpoints entry sent through the SDK's `http` client: its own url() and method.
function httpCall(ctx, name, entry, method = entry.method) {
  const extra = REQUEST[name] ? REQUEST[name](ctx) : {};
  const url = entry.url({ type: TYPE, id: targetId(ctx, name, entry) });
  return { thunk: () => http.request({ url, method, ...extra }) };
}

async function main() {
  const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  // The SDK logs every failed call to the console; the report says it once, in its place.
  for (const level of ['info', 'warn', 'log', 'debug', 'error']) console[level] = () => {};
  http.setBasePortal(input.baseUrl);
  const state = instrument(http.getClientInstance());
  const ctx = {
    ids: input.ids,
    imageUrl: input.imageUrl,
    png: Buffer.from(input.png, 'base64'),
    bodies: {},
  };

  const selected = selectEntries();
  const methods = serviceMethods();
  const listed = new Set(input.leftOut.map((row) => row.entry));

  // Entries that share a method and path (Composer and CreateFeedObject, ...).
  const groups = {};
  for (const [name, entry] of Object.entries(selected)) {
    (groups[route(entry)] = groups[route(entry)] || []).push(name);
  }
  const expected = {};
  for (const [name, entry] of Object.entries(selected)) {
    if (!listed.has(name)) expected[name] = replyOf(name, groups[route(entry)], methods);
  }
  const types = {};
  for (const reply of Object.values(expected)) {
    if (reply && reply.type) types[reply.type] = reply.type;
  }
  const validate = makeValidator(generateSchemas(types));

  const depth = (name) => (AFTER[name] ? 1 + depth(AFTER[name]) : 0);
  const order = Object.keys(selected).sort((a, b) => depth(a) - depth(b));
  const rows = [];
  for (const name of order) {
    const entry = selected[name];
    const row = {
      entry: name,
      route: route(entry),
      listed: listed.has(name),
      expected: listed.has(name)
        ? '404/405 errors (left out)'
        : `${DOCUMENTED[name] || '?'} ${describe(expected[name])}`,
    };
    http.setAuthorizeToken(AS_STAFF.has(name) ? input.staffToken : input.token);
    let calls;
    try {
      calls = await callsOf(state, ctx, name, entry, methods);
    } catch (error) {
      const problems = [`could not prepare the call: ${error.message}`];
      rows.push({ ...row, via: '-', sent: '-', status: null, ok: false, body: '', problems });
      continue;
    }
    for (const call of calls) {
      const { reply, problem } = await send(state, call.thunk);
      const problems = [...(call.problems || []), ...(problem ? [problem] : [])];
      if (reply) {
        problems.push(
          ...(row.listed
            ? checkNotServed(reply, validate)
            : checkServed(name, reply, expected[name], validate))
        );
        if (reply.status < 300) ctx.bodies[name] = reply.body;
      }
      rows.push({
        ...row,
        via: call.via,
        sent: reply ? `${reply.method} ${reply.path}` : '-',
        status: reply ? reply.status : null,
        ok: problems.length === 0,
        problems,
        body: reply ? excerpt(reply.body) : '',
      });
    }
  }

  const packageJson = path.join(SERVICES_DIR, '..', '..', '..', 'package.json');
  const result = {
    package: JSON.parse(fs.readFileSync(packageJson, 'utf8')).version,
    selected: Object.keys(selected),
    groups: Object.values(groups).filter((names) => names.length > 1),
    serviceMethods: Object.fromEntries(
      Object.keys(selected).map((name) => [name, (methods[name] || []).map((m) => m.via)])
    ),
    listProblems: checkLeftOut(input.leftOut, selected),
    rows,
  };
  process.stdout.write(`CATALOGUE-RESULT ${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`catalogue run failed: ${error.stack || error}\n`);
  process.exit(1);
});
