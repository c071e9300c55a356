# The edge in front of the app servers (issue 16): Varnish 7.1 with varnish-modules.
#
# Cached: GET/HEAD answers of the public GraphQL API (persisted queries included),
# the frontend shell, static files and image renditions, for as long as the app's
# Cache-Control says (s-maxage first). Passed: every other method, the admin,
# documents (checked per user), previews (a token in a header or the URL) and any
# request with credentials. Purged: by cache tag (the app's `xkey` header), only
# from the addresses in the `purgers` ACL; an answer whose content was read before
# the latest purge is not kept (it may have been on its way while the purge ran).
#
# Where the app servers are, and who may purge, is the deployment's own:
# `origin.vcl`, found on varnishd's vcl_path (`make serve` uses the one beside
# this file; the tests write their own).
vcl 4.1;

import accept;
import directors;
import std;
import var;
import xkey;

include "origin.vcl";

sub vcl_init {
    # One representation per media type the API answers in (cms.api.http): the
    # Accept header is reduced to the one the app would choose, so a client's
    # exotic Accept string cannot multiply the cached variants.
    new graphql_media_type = accept.rule("application/json");
    graphql_media_type.add("application/graphql-response+json");
    graphql_media_type.add("application/json");
}

sub vcl_recv {
    set req.backend_hint = origin.backend();

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is allowed from the origin only."));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the cache tags to purge in the xkey-purge header."));
        }
        # The moment of the latest change purged (the app's clock, in milliseconds):
        # answers read before it are not kept (vcl_backend_response).
        if (std.integer(req.http.xkey-changed-at, 0)
            > std.integer(var.global_get("content-changed-at"), 0)) {
            var.global_set("content-changed-at", req.http.xkey-changed-at);
        }
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged + " objects."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|documents|metrics|healthz)(/|$|\?)" || req.url ~ "^/django-admin/") {
        return (pass);
    }
    if (req.http.Authorization || req.http.X-Preview-Token
        || req.url ~ "[?&](token|previewToken|preview_token)=") {
        return (pass);
    }
    if (req.url ~ "^/graphql/") {
        set req.http.Accept = graphql_media_type.filter(req.http.Accept);
    }
    # Stale while revalidating: with the origin up, an answer up to 10 s past its
    # time is served once while a fresh one is fetched; with every app server
    # down, up to the object's grace (vcl_backend_response).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    # The public answers do not depend on who asks: a session cookie of an editor
    # browsing the site must not make every answer uncacheable.
    unset req.http.Cookie;
    set req.url = std.querysort(req.url);
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Cache-Control ~ "(no-store|private)" || beresp.http.Set-Cookie) {
        # Remembered as uncacheable (hit-for-miss) for a second only, so requests for
        # it are not queued behind each other meanwhile.
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    if (beresp.http.X-Content-Read-At
        && std.integer(beresp.http.X-Content-Read-At, 0)
           <= std.integer(var.global_get("content-changed-at"), 0)) {
        # Maybe the old state: its content was read before the latest purge (or in the
        # same millisecond: the clocks cannot tell the order), which could not remove
        # it while it was on its way. Delivered to the requests that
        # waited for it, kept for none: the next request fetches afresh, and those
        # arriving meanwhile wait for that fetch instead of each making one (as
        # hit-for-miss would).
        set beresp.ttl = 0s;
    } elsif (beresp.http.X-Edge-Max-Age) {
        # Computed while content changed (s-maxage=0 for other caches, whose purge may
        # come first): read after the latest purge, so the purge after the change's
        # commit will remove it like any other answer; kept as long as the others.
        set beresp.ttl = std.duration(beresp.http.X-Edge-Max-Age + "s", 0s);
    }
    if (beresp.ttl <= 0s) {
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        return (deliver);
    }
    # Kept past its time only to be served while the origin is down (vcl_recv);
    # purges by tag remove objects entirely, so nothing stale follows a purge.
    set beresp.grace = 6h;
}

sub vcl_backend_fetch {
    # A retry goes through the shard director: for one URL its alternatives 0, 1, …
    # are distinct servers, so N retries reach all N servers, whereas the round
    # robin's turn is shared with every other request in flight.
    if (bereq.retries > 0) {
        set bereq.backend = alternatives.backend(by=URL, alt=bereq.retries - 1);
    }
}

sub vcl_backend_error {
    # An app server that died since its last probe: try another one (safe methods
    # only; the connection failed, so nothing ran).
    if (bereq.retries < 3 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Cache tags are for the edge; browsers and other caches need not see them.
    unset resp.http.xkey;
    unset resp.http.X-Content-Read-At;
    unset resp.http.X-Edge-Max-Age;
}
