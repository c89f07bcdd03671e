#!/bin/sh
# The demo service of the local fleet: busybox httpd on $PORT (and on every PORT_<NAME>
# the runtime passes), an index page naming the instance and health paths that answer ok. SIGTERM stops it
# within half a second, as a server that finishes its requests in flight, so rolls and drains are not
# slowed by the demo itself.
www=/tmp/www
mkdir -p "$www"
cat >"$www/index.html" <<PAGE
dcp demo ${DEMO_VERSION:-1}
pool ${DCP_POOL:-none}
instance ${DCP_INSTANCE:-none}
PAGE
# The example pools' health paths, and $HEALTH_PATH for any other pool; none with
# DEMO_HEALTHY=0 (dcp/demo:broken), whose health checks then fail with 404.
if [ "${DEMO_HEALTHY:-1}" != 0 ]; then
  for path in /health /healthz /ping /nginx-health ${HEALTH_PATH:-}; do
    mkdir -p "$www$(dirname "$path")"
    echo ok >"$www$path"
  done
fi

ports="$( (echo "${PORT:-8080}"; env | sed -n 's/^PORT_[A-Za-z0-9_]*=\([0-9][0-9]*\)$/\1/p') | sort -un)"
pids=""
for port in $ports; do
  httpd -f -p "$port" -h "$www" &
  pids="$pids $!"
done
# SIGTERM: stop listening, give the requests in flight half a second, exit.
trap 'kill $pids 2>/dev/null; sleep 0.5; exit 0' TERM INT
wait
