# Where `make serve` runs the app: two gunicorn instances on one machine, in turn
# (round robin), each taken out while its /healthz fails; a failed fetch is
# retried on another (`alternatives`). Replace with your own app servers in
# production, and list the addresses that may send purges.
probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 3s;  # a busy server answers late but is alive
    .window = 5;
    .threshold = 3;
}

backend app1 {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = healthz;
}

backend app2 {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = healthz;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new origin = directors.round_robin();
    origin.add_backend(app1);
    origin.add_backend(app2);
    # Where a failed fetch is retried (default.vcl): the same servers.
    new alternatives = directors.shard();
    alternatives.add_backend(app1);
    alternatives.add_backend(app2);
    alternatives.reconfigure();
}
