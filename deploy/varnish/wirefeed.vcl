vcl 4.1;
# Varnish in front of wirefeed (deploy/varnish/README.md).
#
# Public answers are kept as long as wirefeed's Surrogate-Control says (a
# day when it purges) and dropped by surrogate key as soon as a change is
# committed: wirefeed's writer sends `PURGE /` with `Surrogate-Key: k1 k2 …`
# (config edge.purgers), which becomes one ban of the objects that carry
# any of those keys. The ban tests obj.* only, so the ban lurker can clear
# it in the background. Plain Varnish 7 suffices (no xkey vmod).
#
# Partners' answers (a key in Authorization or `?key=`), the admin API and
# the operator's routes go straight to wirefeed and are never stored.
#
# Client answers carry X-Cache: HIT (from the cache, stale ones included),
# MISS (fetched from wirefeed, and stored when it may be) or PASS (never
# looked up: partners, admin, non-GET/HEAD).
import std;

backend wirefeed {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # Whether wirefeed is up decides how stale an answer may be served
    # (vcl_hit), and a miss is not even tried while it is down. Down after
    # two failed polls in a row, up again at the first good one.
    .probe = {
        .url = "/healthz";
        .interval = 1s;
        .timeout = 1s;
        .window = 2;
        .threshold = 1;
        .initial = 1;
    }
}

# Who may purge: wirefeed's writer. Add its address when it runs elsewhere.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Marks this VCL sets on a request; never taken from a client.
    if (req.restarts == 0) {
        unset req.http.X-Wirefeed-Refetch;
        unset req.http.X-Wirefeed-Stale-If-Error;
        unset req.http.X-Wirefeed-Pass;
    }
    if (req.method == "PURGE") {
        call wirefeed_purge;
    }
    # wirefeed sets no cookie and reads none.
    unset req.http.Cookie;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A partner's key (wirefeed's http/partner.ts): its own answer (full
    # text, its categories) and budget; never from, nor into, the cache.
    if (req.http.Authorization || req.url ~ "[?&]key(=|&|$)") {
        return (pass);
    }
    if (req.url ~ "^/(admin|metrics|healthz|readyz|status)([/?]|$)") {
        return (pass);
    }
    # wirefeed answers an Accept without text/html (or text/*) as it answers
    # `*/*`: the feed, or JSON (http/site/negotiate.ts). So feed readers
    # share one object whatever they list; a browser's Accept is kept, as
    # it may be given the HTML preview instead.
    if (req.http.Accept !~ "(?i)text/(html|\*)") {
        set req.http.Accept = "*/*";
    }
    # vcl_hit found the object too stale to serve while wirefeed is up:
    # look it up as expired, so that it is fetched now (conditionally).
    # After a failed fetch, any copy will do (vcl_synth). req.grace stays
    # as set across restarts: a year is as good as no limit.
    if (req.http.X-Wirefeed-Stale-If-Error) {
        set req.grace = 365d;
    } else if (req.http.X-Wirefeed-Refetch) {
        set req.grace = 0s;
    }
    return (hash);
}

# `PURGE` with `Surrogate-Key: k1 k2 …`: one ban of every object whose
# Surrogate-Key holds any of them as a whole word.
sub wirefeed_purge {
    if (client.ip !~ purgers) {
        return (synth(403, "Forbidden"));
    }
    std.collect(req.http.Surrogate-Key, " ");
    # Keys as wirefeed writes them (publish/edge/keys.ts); of the regex
    # metacharacters only the dot may occur, escaped below.
    if (req.http.Surrogate-Key !~ "^[A-Za-z0-9/%_. -]+$" || req.http.Surrogate-Key !~ "[^ ]") {
        return (synth(400, "Surrogate-Key must list keys of A-Z a-z 0-9 / % _ . - separated by spaces"));
    }
    set req.http.X-Wirefeed-Keys = regsuball(req.http.Surrogate-Key, "^ +| +$", "");
    set req.http.X-Wirefeed-Keys = regsuball(regsuball(req.http.X-Wirefeed-Keys, "\.", "\\."), " +", "|");
    # Unquoted: std.ban() would take quotes as part of the regex.
    if (!std.ban("obj.http.Surrogate-Key ~ (^|\s)(" + req.http.X-Wirefeed-Keys + ")(\s|$)")) {
        return (synth(400, "Ban refused: " + std.ban_error()));
    }
    return (synth(200, "Purged"));
}

# wirefeed's answers do not depend on the Host asked for (its links use
# site.base_url): one object per URL, whatever name a client used.
sub vcl_hash {
    hash_data(req.url);
    return (lookup);
}

# Fresh: served. Expired: served while it is fetched again in the
# background, for stale-while-revalidate; past that, only when wirefeed is
# down (the probe says so, or a fetch just failed: vcl_synth), for as long
# as stale-if-error allows (the object's grace, vcl_backend_response).
sub vcl_hit {
    if (obj.ttl >= 0s || req.http.X-Wirefeed-Stale-If-Error) {
        return (deliver);
    }
    if (obj.ttl + std.duration(obj.http.X-Wirefeed-SWR + "s", 0s) >= 0s || !std.healthy(req.backend_hint)) {
        return (deliver);
    }
    set req.http.X-Wirefeed-Refetch = "1";
    return (restart);
}

# A failed fetch left no copy to fall back on: not tried a second time.
sub vcl_miss {
    if (req.http.X-Wirefeed-Stale-If-Error) {
        return (synth(503, "Backend fetch failed"));
    }
}

sub vcl_pass {
    set req.http.X-Wirefeed-Pass = "1";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Wirefeed-Refetch;
    unset bereq.http.X-Wirefeed-Stale-If-Error;
    unset bereq.http.X-Wirefeed-Pass;
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # An error keeps the copy there is (a fetch in the background) or lets
    # vcl_synth look for one (a fetch a client waits for).
    if (beresp.status >= 500) {
        return (abandon);
    }
    # Not kept: partners' answers (private, and no-store for this cache),
    # an empty feed, a 404 or a 400 (no-cache, and no Surrogate-Control:
    # no purge could reach them), and what says nothing about caching.
    # Hit-for-miss, so that the next answer (a tag's feed once its first
    # story is in) may be kept.
    if (beresp.http.Cache-Control ~ "(?i)(private|no-store)" ||
        beresp.http.Surrogate-Control ~ "(?i)no-store" ||
        (!beresp.http.Surrogate-Control && beresp.http.Cache-Control ~ "(?i)no-cache") ||
        (!beresp.http.Surrogate-Control && !beresp.http.Cache-Control && !beresp.http.Expires)) {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    unset beresp.http.Set-Cookie;
    # Surrogate-Control is this cache's (RFC 5861 directives included);
    # without it, Cache-Control, whose max-age Varnish has read already.
    if (beresp.http.Surrogate-Control) {
        set beresp.http.X-Wirefeed-Control = beresp.http.Surrogate-Control;
    } else {
        set beresp.http.X-Wirefeed-Control = beresp.http.Cache-Control;
    }
    if (beresp.http.X-Wirefeed-Control ~ "(?i)(^|[ ,])max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.X-Wirefeed-Control, "(?i)^(.*[ ,])?max-age=([0-9]+).*$", "\2") + "s", 0s);
    }
    set beresp.http.X-Wirefeed-SWR = "0";
    if (beresp.http.X-Wirefeed-Control ~ "(?i)stale-while-revalidate=[0-9]+") {
        set beresp.http.X-Wirefeed-SWR = regsub(beresp.http.X-Wirefeed-Control, "(?i)^.*stale-while-revalidate=([0-9]+).*$", "\1");
    }
    # Grace is how long an expired object stays servable at all: the
    # longer of the two; vcl_hit tells them apart.
    set beresp.grace = std.duration(beresp.http.X-Wirefeed-SWR + "s", 0s);
    if (beresp.http.X-Wirefeed-Control ~ "(?i)stale-if-error=[0-9]+") {
        set beresp.http.X-Wirefeed-SIE = regsub(beresp.http.X-Wirefeed-Control, "(?i)^.*stale-if-error=([0-9]+).*$", "\1");
        if (std.duration(beresp.http.X-Wirefeed-SIE + "s", 0s) > beresp.grace) {
            set beresp.grace = std.duration(beresp.http.X-Wirefeed-SIE + "s", 0s);
        }
    }
    unset beresp.http.X-Wirefeed-Control;
    unset beresp.http.X-Wirefeed-SIE;
    return (deliver);
}

# wirefeed could not be reached: as a 5xx above.
sub vcl_backend_error {
    if (!bereq.uncacheable) {
        return (abandon);
    }
}

sub vcl_synth {
    # A fetch a client waited for failed: once more, allowed any copy
    # still within stale-if-error (vcl_hit); 503 when there is none.
    if (resp.status == 503 && !req.http.X-Wirefeed-Stale-If-Error && !req.http.X-Wirefeed-Pass &&
        (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Wirefeed-Stale-If-Error = "1";
        return (restart);
    }
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else if (req.http.X-Wirefeed-Pass) {
        set resp.http.X-Cache = "PASS";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # For this cache alone.
    unset resp.http.Surrogate-Key;
    unset resp.http.Surrogate-Control;
    unset resp.http.CDN-Cache-Control;
    unset resp.http.X-Wirefeed-SWR;
}
