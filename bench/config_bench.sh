#!/bin/sh
# Times `rolehop chain --all-profiles` over a generated config of N profiles (default 10,000).
# The file has the shape of ConfigBenchmark.generate (core): groups of five profiles (static keys, a role
# on them, a role on that role, a web-identity profile, a role on the web identity).
# Usage: bench/config_bench.sh [N] [path/to/rolehop]   (build first: swift build -c release)
set -eu
N=${1:-10000}
BIN=${2:-.build/release/rolehop}
OUT=bench/out
mkdir -p "$OUT"
CONFIG="$OUT/config-$N"
awk -v n="$N" 'BEGIN {
  for (i = 0; i < n; i++) {
    printf "[profile p%d]\n", i
    if (i % 5 == 0) {
      printf "aws_access_key_id = AKIAFAKEEXAMPLE%d\naws_secret_access_key = FAKESECRET\nregion = eu-west-1\n", i
    } else if (i % 5 == 3) {
      printf "web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token\n"
      printf "role_arn = arn:aws:iam::111122223333:role/r%d\n", i
    } else {
      printf "role_arn = arn:aws:iam::111122223333:role/r%d\nsource_profile = p%d\n", i, i - 1
      printf "role_session_name = s%d\nregion = eu-west-1\n", i
    }
  }
}' > "$CONFIG"
echo "config: $CONFIG ($(wc -c < "$CONFIG") bytes, $N profiles)"
for fmt in json text; do
  start=$(date +%s.%N)
  env -i HOME=/nonexistent AWS_EC2_METADATA_DISABLED=true "$BIN" chain --config-file "$CONFIG" \
    --credentials-file /nonexistent --all-profiles --output "$fmt" > "$OUT/chain-$N.$fmt" || true
  end=$(date +%s.%N)
  echo "rolehop chain --all-profiles --output $fmt: $(echo "$end - $start" | bc) s (process, parse, resolve, render)"
done
