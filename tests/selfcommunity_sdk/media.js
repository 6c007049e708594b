#!/usr/bin/env node
// Every media route through the vendor's SDK (@selfcommunity/api-services MediaService),
// against a live portal:
//   node media.js INPUT.json
// INPUT.json (tests/community/test_media_sdk.py): {"baseUrl", "token", "otherToken",
//   "statusId", "pngPath"}: a member's bearer, another member's, a status to share and a
// PNG of several chunks.
//
// The chunked upload goes through MediaService.chunkUploadMedia and
// chunkUploadMediaComplete with a FormData and a Blob (Node 18+), in chunks of 204800
// bytes (the React UI's `chunkSize`), `upload_id` from the second chunk on as a form field
// before the chunk (as rpldy's prepareFormData puts its params), and the MD5 computed as the
// UI's utils/hash.js does (over the file in slices of 2142880 bytes; node's md5 gives
// spark-md5's hex). One thing must be added to chunkUploadMedia: the SDK's client sends
// every POST with `Content-Type: application/json` and the method overrides the caller's
// headers, so axios turns the FormData into JSON and the chunk into `{}` (the portal answers
// 400 on `image`, which the run records too). The SDK's own `config` argument keeps the
// FormData as it is (`transformRequest: [identity]`), and axios then sends it as multipart.
// The second
// upload is completed as the UI completes it (`http.request` with FormData and
// `Content-Type: multipart/form-data`).
//
// Every reply is validated against the JSON Schemas generated from @selfcommunity/types
// (schemas.js: SCMediaType, SCChunkMediaType). Prints one line "MEDIA-RESULT <json>" and
// exits non-zero on any failure, a reply that does not match its type included.
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const {
  http,
  Endpoints,
  MediaService,
  formatHttpError,
} = require('@selfcommunity/api-services');
const { TYPES, generateSchemas, makeValidator } = require('./schemas');

const UI_CHUNK_SIZE = 204800; // react-ui shared/Media/File/TriggerButton: chunkSize
const UI_MD5_SLICE = 2142880; // react-ui shared/MediaChunkUploader: md5(item.file, 2142880)
const MEDIA_TYPES = { ...TYPES, chunkMedia: 'SCChunkMediaType' };

// Which type a reply has, by method and path.
const ROUTES = [
  ['POST', /^\/api\/v2\/media\/upload\/chunk\/$/, 'chunkMedia'],
  ['POST', /^\/api\/v2\/media\/upload\/complete\/$/, 'media'],
  ['POST', /^\/api\/v2\/media\/$/, 'media'],
  ['GET', /^\/api\/v2\/media\/\d+\/$/, 'media'],
  ['PUT', /^\/api\/v2\/media\/\d+\/$/, 'media'],
];

function replyKind(method, pathname, status) {
  if (status === 204) return 'empty';
  if (status >= 400) return 'errors';
  const route = ROUTES.find(([m, re]) => m === method && re.test(pathname));
  if (!route) throw new Error(`no schema for the reply of ${method} ${pathname}`);
  return route[2];
}

// Every reply the SDK's axios client received, success or error.
function recordReplies(replies) {
  const record = (response) => {
    const { config } = response;
    const url = new URL(config.url, config.baseURL);
    replies.push({
      method: config.method.toUpperCase(),
      path: url.pathname,
      status: response.status,
      sentType: (config.headers && config.headers['Content-Type']) || null,
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
  const validate = makeValidator(generateSchemas(MEDIA_TYPES));
  const problems = [];
  const kinds = {};
  for (const reply of replies) {
    const kind = replyKind(reply.method, reply.path, reply.status);
    const route = reply.path.replace(/\/\d+\//g, '/{id}/');
    const key = `${reply.method} ${route} ${reply.status} ${kind}`;
    kinds[key] = (kinds[key] || 0) + 1;
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

// utils/hash.js: spark-md5 appended slice by slice, hex.
function uiMd5(bytes) {
  const digest = crypto.createHash('md5');
  for (let at = 0; at < bytes.length; at += UI_MD5_SLICE) {
    digest.update(bytes.subarray(at, at + UI_MD5_SLICE));
  }
  return digest.digest('hex');
}

// The SDK call's `config`: keep the FormData (see the header of this file).
const KEEP_FORM_DATA = { transformRequest: [(data) => data] };

// Send `bytes` with MediaService.chunkUploadMedia, chunk by chunk; the chunk replies.
async function sendChunks(bytes, { filename, type }) {
  const file = new Blob([bytes], { type });
  const replies = [];
  let uploadId = null;
  for (let start = 0; start < bytes.length; start += UI_CHUNK_SIZE) {
    const end = Math.min(start + UI_CHUNK_SIZE, bytes.length);
    const form = new FormData();
    if (uploadId) form.append('upload_id', uploadId); // rpldy: params first
    form.append('image', file.slice(start, end, type), filename);
    const reply = await MediaService.chunkUploadMedia(
      form,
      start,
      end - 1,
      bytes.length,
      KEEP_FORM_DATA
    );
    uploadId = reply.upload_id;
    replies.push(reply);
  }
  return { uploadId, replies };
}

// What the portal answered an SDK call that failed: status and the SDK's own formatting.
async function failure(call) {
  try {
    await call();
  } catch (error) {
    if (!error.response) throw error;
    return { status: error.response.status, formatted: formatHttpError(error) };
  }
  throw new Error('the call succeeded');
}

async function main() {
  const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  http.setBasePortal(input.baseUrl);
  http.setAuthorizeToken(input.token);
  const replies = [];
  recordReplies(replies);
  const result = {};

  // --- create: url, share, embed ---------------------------------------------------------
  const link = await MediaService.createMedia({ type: 'url', url: 'https://example.com/sdk' });
  assert.equal(link.type, 'url');
  result.link = link;
  const share = await MediaService.createMedia({ type: 'share', shared_object: input.statusId });
  assert.equal(share.embed.embed_type, 'sc_shared_object');
  assert.deepEqual(share.embed.metadata, { type: 'status', id: input.statusId });
  result.share = share;
  const embed = await MediaService.createMedia({
    type: 'embed',
    embed: {
      embed_type: 'video',
      embed_id: 'abc',
      url: 'https://example.com/v/abc',
      metadata: { n: 1 },
    },
  });
  result.embed = embed;
  result.reservedEmbed = await failure(() =>
    MediaService.createMedia({ type: 'embed', embed: { embed_type: 'sc_link', embed_id: '1' } })
  );

  // --- the chunked upload of a PNG -----------------------------------------------------
  const png = fs.readFileSync(input.pngPath);
  const filename = path.basename(input.pngPath);
  const sent = await sendChunks(png, { filename, type: 'image/png' });
  result.chunks = sent.replies;
  result.wrongMd5 = await failure(() =>
    MediaService.chunkUploadMediaComplete({
      upload_id: sent.uploadId,
      type: 'image',
      md5: '0'.repeat(32),
    })
  );
  const foreign = new FormData();
  foreign.append('upload_id', sent.uploadId);
  foreign.append('type', 'image');
  foreign.append('md5', uiMd5(png));
  result.foreignComplete = await failure(() =>
    MediaService.chunkUploadMediaComplete(foreign, {
      headers: { Authorization: `Bearer ${input.otherToken}` },
    })
  );
  const complete = new FormData();
  complete.append('upload_id', sent.uploadId);
  complete.append('type', 'image');
  complete.append('md5', uiMd5(png));
  const image = await MediaService.chunkUploadMediaComplete(complete);
  assert.equal(image.type, 'image');
  result.image = image;
  const stored = Buffer.from(await (await fetch(image.image)).arrayBuffer());
  result.imageIsTheFile = stored.equals(png);

  // The same file again, completed exactly as the UI's MediaChunkUploader completes it.
  const again = await sendChunks(png, { filename: 'blob', type: 'image/png' });
  const uiForm = new FormData();
  uiForm.append('upload_id', again.uploadId);
  uiForm.append('type', 'image');
  uiForm.append('md5', uiMd5(png));
  const uiReply = await http.request({
    url: Endpoints.ComposerChunkUploadMediaComplete.url(),
    method: Endpoints.ComposerChunkUploadMediaComplete.method,
    data: uiForm,
    headers: { 'Content-Type': 'multipart/form-data' },
  });
  result.uiComplete = { status: uiReply.status, type: uiReply.data.type };

  // chunkUploadMedia as the SDK sends it without the config: the chunk becomes JSON.
  const plain = new FormData();
  plain.append('image', new Blob([png.subarray(0, 1000)], { type: 'image/png' }), 'p.png');
  result.plainSdkChunk = await failure(() =>
    MediaService.chunkUploadMedia(plain, 0, 999, png.length)
  );

  // --- read, update, click, delete ------------------------------------------------------
  result.fetched = await MediaService.getSpecificMedia(image.id);
  const preview = await MediaService.updateMedia(link.id, image.image);
  assert.equal(preview.image, image.image);
  result.preview = preview;
  result.foreignPreview = await failure(() =>
    MediaService.updateMedia(link.id, 'https://images.example.com/x.png')
  );
  result.click = await MediaService.clickMedia(image.id);
  result.deleted = await MediaService.deleteMedia(embed.id);
  result.deletedAgain = await failure(() => MediaService.getSpecificMedia(embed.id));

  result.replies = validateReplies(replies);
  process.stdout.write(`MEDIA-RESULT ${JSON.stringify(result)}\n`);
  assert.deepEqual(result.replies.problems, [], 'every reply matches @selfcommunity/types');
}

main().catch((error) => {
  const detail = error.response ? JSON.stringify(error.response.data) : '';
  process.stderr.write(`media flow failed: ${error.stack || error} ${detail}\n`);
  process.exit(1);
});
