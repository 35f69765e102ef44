"""gunicorn settings for production: `.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app`, behind docs/deploy/nginx.conf.

Flags on the command line win over these (e.g. --bind 127.0.0.1:8001 --workers 4).
"""

# Threads, not sync workers: a request that waits on a slow client or on the database holds one
# thread, and the worker's other threads go on answering (/map among them). The proxy in front
# buffers every upload whole, so threads get requests at loopback speed.
worker_class = "gthread"
workers = 2  # one per core: image decoding is CPU-bound, and one decode at a time runs per worker
threads = 32  # each slow client without the proxy holds one; 20 of them may land on one worker
bind = "127.0.0.1:8000"

# A worker silent this long is restarted; no request needs it (the database gives up after 5 s,
# SQLite's busy timeout is 5 s, a decode is bounded by MAX_DECODE_BYTES).
timeout = 30
graceful_timeout = 20
keepalive = 5

# Above the app's MAX_URL_LENGTH (4000), so a long URL gets the app's JSON 414, not gunicorn's.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Recycle workers now and then: a big decode leaves a fragmented heap behind.
max_requests = 2000
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm"  # the heartbeat file on tmpfs, so a slow disk cannot stall it
forwarded_allow_ips = "127.0.0.1"  # the app reads X-Forwarded-* itself (TRUSTED_PROXIES)
# gunicorn's control socket lives at one path per user (~/.gunicorn/gunicorn.ctl), so a second server on the
# same machine (a test, a bench, a staging copy) would take it over. Nothing here uses gunicornc.
control_socket_disable = True
