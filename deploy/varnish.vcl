# Varnish in front of MedSite's app servers (tested by tests/medsite/frontcache/test_varnish.py).
#
# Public pages say Cache-Control "public, no-cache" to browsers; Varnish keeps the ones the app
# tags with Surrogate-Key for a day, because the app purges them on every public change
# (PURGE_BACKEND=varnish, PURGE_VARNISH_URLS=http://127.0.0.1:6081/): a BAN of the changed keys
# (header X-Ban-Keys, a regular expression over Surrogate-Key) and a PURGE of each address. Both
# are accepted from this machine only. The backend address is the app server's.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.X-Ban-Keys) {
            return (synth(400, "X-Ban-Keys missing"));
        }
        ban("obj.http.Surrogate-Key ~ " + req.http.X-Ban-Keys);
        return (synth(200, "Banned"));
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    # Editors (a session) and the admin go straight to the app, never cached.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=" || req.url ~ "^/(admin|editor)/") {
        return (pass);
    }
    # No public page depends on any other cookie.
    unset req.http.Cookie;
}

sub vcl_backend_response {
    # Only what the app tagged, and so will purge, is kept long.
    if (beresp.status == 200 && beresp.http.Surrogate-Key && !beresp.http.Set-Cookie) {
        set beresp.ttl = 1d;
        set beresp.grace = 0s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
