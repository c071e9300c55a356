// The only way this frontend talks to the CMS: GraphQL at /graphql/.
//
// Queries go out as automatic persisted queries (Apollo's `persistedQuery`
// extension) by GET, so the browser and a CDN can cache them:
//   1. GET /graphql/?variables=…&extensions={"persistedQuery":{"version":1,"sha256Hash":…}}
//   2. if the API answers PERSISTED_QUERY_NOT_FOUND, POST the query once with its
//      hash (the API registers it and answers it);
//   3. from then on, GET by hash only.
// The hash is the SHA-256 of the query text (crypto.subtle.digest). Without
// crypto.subtle (a page served over plain HTTP from another host than
// localhost is not a secure context) queries are simply POSTed.

const ENDPOINT = "/graphql/";

/** The API answered with GraphQL errors ({errors: [{message, extensions: {code}}]}). */
export class ApiError extends Error {
  constructor(errors, status) {
    super(errors.map((error) => error.message).join(" ") || "The API refused the request.");
    this.name = "ApiError";
    this.errors = errors;
    this.status = status;
    this.code = errors[0]?.extensions?.code || null;
  }
}

/** The API could not be reached, or did not answer with GraphQL JSON. */
export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = "NetworkError";
  }
}

const hashes = new Map();

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function hashOf(query) {
  if (!hashes.has(query)) hashes.set(query, sha256Hex(query));
  return hashes.get(query);
}

/** Drop null/undefined/empty-list variables: shorter URLs and one cache key per state. */
function compact(variables) {
  const result = {};
  for (const [name, value] of Object.entries(variables || {})) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    result[name] = value;
  }
  return result;
}

async function send(url, init) {
  let response;
  try {
    response = await fetch(url, {
      ...init,
      credentials: "same-origin",
      headers: { accept: "application/json", ...(init.headers || {}) },
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new NetworkError("The API could not be reached. Check your connection and try again.");
  }
  let body;
  try {
    body = await response.json();
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new NetworkError(`The API answered with an unexpected response (HTTP ${response.status}).`);
  }
  return { body, status: response.status };
}

function isPersistedQueryNotFound(body) {
  return (body.errors || []).some(
    (error) => error.extensions?.code === "PERSISTED_QUERY_NOT_FOUND",
  );
}

function post(payload, signal, headers = {}) {
  return send(ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(payload),
    signal,
    cache: "no-store",
  });
}

function unwrap({ body, status }) {
  if (body.errors && body.errors.length) throw new ApiError(body.errors, status);
  if (!body.data) throw new NetworkError(`The API answered without data (HTTP ${status}).`);
  return body.data;
}

/**
 * Run a query by hash (GET), registering it by POST the first time the API does
 * not know it. Returns `data`; throws ApiError, NetworkError or AbortError.
 */
export async function query(document, variables = {}, { signal } = {}) {
  const vars = compact(variables);
  if (!globalThis.crypto?.subtle) return unwrap(await post({ query: document, variables: vars }, signal));

  const extensions = { persistedQuery: { version: 1, sha256Hash: await hashOf(document) } };
  const params = new URLSearchParams();
  if (Object.keys(vars).length) params.set("variables", JSON.stringify(vars));
  params.set("extensions", JSON.stringify(extensions));
  let answer = await send(`${ENDPOINT}?${params}`, { method: "GET", signal });
  if (isPersistedQueryNotFound(answer.body)) {
    answer = await post({ query: document, variables: vars, extensions }, signal);
  }
  return unwrap(answer);
}

/**
 * Run a query by POST, never cached: for previews, whose token must not end up
 * in URLs that browsers, proxies or a CDN keep.
 */
export async function queryUncached(document, variables = {}, { signal } = {}) {
  return unwrap(await post({ query: document, variables: compact(variables) }, signal));
}

/** A sentence for readers, whatever went wrong. */
export function describeError(error) {
  if (error instanceof ApiError) {
    if (error.code === "RATE_LIMITED") return error.message;
    if (error.code === "INTERNAL_SERVER_ERROR") {
      return "The API had a problem answering. Please try again in a moment.";
    }
    return error.message;
  }
  if (error instanceof NetworkError) return error.message;
  return "Something went wrong while loading this page.";
}
