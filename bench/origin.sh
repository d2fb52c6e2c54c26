# Sourced by bench/profile.sh and bench/ab.sh: the nginx origin both load Cachalot through.
# write_origin DIR PORT writes /1k, /100k, /10m (max-age=3600) and /nostore/1k (no-store) under
# DIR/www and an nginx config for them at DIR/origin.conf; start it with
#   taskset -c CPU nginx -e DIR/ngx/error.log -p DIR/ngx -c DIR/origin.conf &
write_origin() {
  local dir=$1 port=$2
  mkdir -p "$dir/www/nostore" "$dir/ngx"; chmod 777 "$dir/ngx"
  head -c 1024 /dev/urandom >"$dir/www/1k"; head -c 102400 /dev/urandom >"$dir/www/100k"
  head -c 10485760 /dev/urandom >"$dir/www/10m"; cp "$dir/www/1k" "$dir/www/nostore/1k"; chmod -R a+rX "$dir/www"
  cat >"$dir/origin.conf" <<CONF
worker_processes 1; daemon off; pid $dir/ngx/pid; error_log $dir/ngx/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $dir/ngx/cb; proxy_temp_path $dir/ngx/p; fastcgi_temp_path $dir/ngx/f;
  uwsgi_temp_path $dir/ngx/u; scgi_temp_path $dir/ngx/s; keepalive_requests 100000000; default_type application/octet-stream;
  server { listen 127.0.0.1:$port; root $dir/www;
    location / { add_header Cache-Control "max-age=3600"; }
    location /nostore/ { add_header Cache-Control "no-store"; } } }
CONF
}
