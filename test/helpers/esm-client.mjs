// Runs one request with an ESM-only HTTP client (got, ky), which jest's
// CommonJS runtime cannot load, and prints what came back as one JSON line:
// `node esm-client.mjs <client> <url>`. Each client is used as its
// documentation shows, with HTTP errors returned rather than thrown.
import process from 'node:process';
import got from 'got';
import ky from 'ky';

const [client, url] = process.argv.slice(2);

const clients = {
  // got without a body type sends no Accept.
  async got() {
    const res = await got(url, { throwHttpErrors: false, retry: { limit: 0 } });
    return { contentType: res.headers['content-type'], body: JSON.parse(res.body) };
  },
  // responseType 'json' is what got's `.json()` sets: it sends Accept: application/json.
  async 'got-json'() {
    const res = await got(url, {
      throwHttpErrors: false,
      retry: { limit: 0 },
      responseType: 'json',
    });
    return { contentType: res.headers['content-type'], body: res.body };
  },
  // ky without a body method: fetch's own Accept.
  async ky() {
    const res = await ky(url, { throwHttpErrors: false, retry: 0 });
    return { contentType: res.headers.get('content-type'), body: await res.json() };
  },
  // ky's `.json()` sets Accept: application/json, `.text()` Accept: text/*.
  async 'ky-json'() {
    let contentType;
    const body = await ky(url, {
      throwHttpErrors: false,
      retry: 0,
      hooks: {
        afterResponse: [
          ({ response }) => void (contentType = response.headers.get('content-type')),
        ],
      },
    }).json();
    return { contentType, body };
  },
  async 'ky-text'() {
    let contentType;
    const text = await ky(url, {
      throwHttpErrors: false,
      retry: 0,
      hooks: {
        afterResponse: [
          ({ response }) => void (contentType = response.headers.get('content-type')),
        ],
      },
    }).text();
    return { contentType, body: JSON.parse(text) };
  },
  // ky as its documentation shows it, retries and all: one call, however many requests it sends.
  async 'ky-default'() {
    try {
      return { status: (await ky(url)).status };
    } catch (error) {
      return { status: error.response?.status };
    }
  },
};

const run = clients[client];
if (run === undefined) throw new Error(`unknown client ${client}`);
process.stdout.write(`${JSON.stringify(await run())}\n`);
