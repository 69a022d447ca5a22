# Varnish 7 (Debian's `varnish`) in front of treatysite's gunicorn.
#
# Anonymous pages are cached for as long as the app's `Cache-Control: s-maxage` says, and purged
# by the app on every edit (set PROXY_PURGE_URLS=http://127.0.0.1:6081 in the app's environment).
# Logged-in editors (session cookie) and the admin always go straight to the app; responses
# without s-maxage (drafts' 404s, search, editors' pages, `/`) are never stored.
#
#   varnishd -a :6081 -f /etc/varnish/treatysite.vcl -s malloc,256m
#
# tests/test_reverse_proxy.py starts this file (with its backend port replaced) in front of a
# live server.
vcl 4.1;

backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, editors (a session) and `/` (which reads the script cookie) go to the app.
    if (req.url ~ "^/admin/" || req.url == "/" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # A page is the same for every anonymous reader: cookies (script choice, CSRF) do not change it.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # One site per proxy: the app's PURGE and the readers' requests must meet on the same object
    # whatever Host they were sent with.
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.http.Cache-Control !~ "s-maxage") {
        # Not meant for a shared cache: remember that for a while so requests are not queued.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    unset beresp.http.Set-Cookie;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
