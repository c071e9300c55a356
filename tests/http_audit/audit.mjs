// Runs graphql-http's GraphQL-over-HTTP audit against one URL and prints the results.
//
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql/
// Prints one JSON array on stdout: [{id, name, status: "ok"|"warn"|"error"|"notice",
// reason?}]. "error" is a failed MUST, "warn" a failed SHOULD, "notice" a failed MAY
// (see graphql-http's audits/utils). tests/cms/test_graphql_over_http_audit.py
// judges them; this script only runs them, one after another, so the live test
// server (a single thread on SQLite) is never flooded.
import { serverAudits } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs <graphql url>");
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  results.push({ id: result.id, name: result.name, status: result.status, reason: result.reason });
}
process.stdout.write(JSON.stringify(results));
