// LivePerson's node-agent-sdk against the portal, its CSDS domain option pointed at it.
//
// node run.js <csdsDomain> <accountId> <username> <appKey> <secret> <accessToken> <accessTokenSecret>
//
// 1. CSDSClient.getAll: the Domain API lookup of every service.
// 2. ExternalServices.login: an Application Login with a wrong secret, then the right one.
// 3. ExternalServices.refreshSession with the login's cookie jar and csrf.
// 4. The bearer on the reason routes, at the host the CSDS lookup named, with the
//    SDK's own HTTP client (`request`).
// 5. The Agent itself: CSDS, Application Login, then its messaging socket, which the portal
//    does not serve (pointed at the portal through `domains`, so nothing leaves the machine).
// Prints one line: LP-RESULT <json>.
'use strict';

const request = require('request');
const { Agent } = require('node-agent-sdk');
const CSDSClient = require('node-agent-sdk/lib/CSDSClient');
const external = require('node-agent-sdk/lib/ExternalServices');

const [csdsDomain, accountId, username, appKey, secret, accessToken, accessTokenSecret] =
    process.argv.slice(2);
const keys = { username, appKey, secret, accessToken, accessTokenSecret };
const result = {};

const call = (fn, ...args) => new Promise((resolve) => fn(...args, (...out) => resolve(out)));

function reasons(domain, bearer, method, body) {
    return call(request, {
        url: `https://${domain}/api/account/${accountId}/configuration/le-agents/status-reasons?v=2.0`,
        method,
        json: body === undefined ? true : body,
        headers: { Authorization: `Bearer ${bearer}` },
    });
}

async function main() {
    const [csdsError, domains] = await call(
        (cb) => new CSDSClient({ accountId, csdsDomain }).getAll(cb)
    );
    result.csdsError = csdsError ? String(csdsError) : null;
    result.domains = domains;

    const login = { domain: domains.agentVep, accountId };
    const [wrongError, wrongBody] = await call(
        external.login, { ...login, ...keys, secret: 'not-the-secret' }
    );
    result.wrongLogin = { error: wrongError ? String(wrongError.message) : null, body: wrongBody };

    const [loginError, body, jar] = await call(external.login, { ...login, ...keys });
    result.loginError = loginError ? String(loginError) : null;
    result.loginKeys = Object.keys(body || {});
    result.userId = body.config.userId;
    result.loginName = body.config.loginName;
    const cookieUrl = `https://${domains.agentVep}/api/account/${accountId}/refresh`;
    result.cookieNames = jar.getCookies(cookieUrl).map((cookie) => cookie.key);

    const [refreshError] = await call(
        external.refreshSession, { ...login, csrf: body.csrf, jar }
    );
    result.refreshError = refreshError ? String(refreshError) : null;

    const [createError, created, createdBody] = await reasons(
        domains.accountConfigReadWrite, body.bearer, 'POST', { text: 'Bot break', state: 'Away' }
    );
    result.created = { error: createError && String(createError), status: created.statusCode, body: createdBody };
    const [, listed, listedBody] = await reasons(domains.accountConfigReadOnly, body.bearer, 'GET');
    result.listed = { status: listed.statusCode, texts: listedBody.map((reason) => reason.text) };

    // The Agent: its `error` event comes from the messaging socket, after its login.
    result.agent = await new Promise((resolve) => {
        const agent = new Agent({
            accountId,
            ...keys,
            csdsDomain,
            domains: { asyncMessagingEnt: csdsDomain },
        });
        const timer = setTimeout(() => finish('timeout'), 20000);
        function finish(error) {
            clearTimeout(timer);
            const seen = { error: String(error), token: agent.token, userId: agent.userId };
            agent.dispose();
            resolve(seen);
        }
        agent.on('error', (error) => finish(error && error.message));
    });
    return result;
}

main()
    .then((out) => {
        console.log('LP-RESULT ' + JSON.stringify(out));
        process.exit(0);
    })
    .catch((error) => {
        console.log('LP-RESULT ' + JSON.stringify({ ...result, crash: String(error && error.stack) }));
        process.exit(1);
    });
