#!/bin/sh
# Runs `rolehop chain` over a small config of every chain shape the resolver distinguishes (static keys, role
# chains, web identity, credential_source of each name, process, SSO, cycles, missing and self sources, invalid
# durations and session names, endpoint settings on source profiles, duplicate keys and sections, inline
# comments) in five environments, and over the same file made unusable; 12 output files in OUTDIR. For
# byte-for-byte comparisons of two builds: run it with each binary and `cmp` the directories' files.
# Usage (from the repository root): bench/chain_shapes.sh path/to/rolehop OUTDIR
set -eu
BIN=$1
OUT=$2
mkdir -p "$OUT"
# The files' paths appear in the output: one fixed place, whatever OUTDIR is (run from the repository root).
DIR=bench/out/shapes-config
mkdir -p "$DIR"
C="$DIR/shapes.ini"
K="$DIR/shapes-credentials.ini"
B="$DIR/shapes-refused.ini"
cat > "$C" <<'INI'
[default]
region = us-west-2
aws_access_key_id = AKIAFAKEEXAMPLEDEF1
aws_secret_access_key = FAKESECRET

[profile keys]
aws_access_key_id = AKIAFAKEEXAMPLEKEY1
aws_secret_access_key = FAKESECRET
aws_session_token = FAKETOKEN
region = eu-west-1
sts_regional_endpoints = legacy

[profile partial]
aws_access_key_id = AKIAFAKEEXAMPLEPART

[profile role1]
role_arn = arn:aws:iam::111122223333:role/one
source_profile = keys
role_session_name = good-session
duration_seconds = 7200
external_id = ext
mfa_serial = arn:aws:iam::111122223333:mfa/me

[profile role2]
role_arn = arn:aws:iam::111122223333:role/two
source_profile = role1
duration_seconds = 7200
role_session_name = bad session!
region = ap-south-1
use_fips_endpoint = true

[profile role3]
role_arn = arn:aws:iam::111122223333:role/three
source_profile = role2
duration_seconds = abc
endpoint_url = https://example.test

[profile role4]
role_arn = arn:aws:iam::111122223333:role/four
source_profile = role3
duration_seconds = 100

[profile web]
role_arn = arn:aws:iam::111122223333:role/web
web_identity_token_file = /tmp/token
source_profile = keys
region = us-east-2

[profile onweb]
role_arn = arn:aws:iam::111122223333:role/onweb
source_profile = web

[profile cs-env]
role_arn = arn:aws:iam::111122223333:role/cs
credential_source = Environment

[profile cs-imds]
role_arn = arn:aws:iam::111122223333:role/cs
credential_source = Ec2InstanceMetadata
duration_seconds = 7200

[profile cs-ecs]
role_arn = arn:aws:iam::111122223333:role/cs
credential_source = EcsContainer

[profile cs-bad]
role_arn = arn:aws:iam::111122223333:role/cs
credential_source = environment

[profile both]
role_arn = arn:aws:iam::111122223333:role/both
credential_source = Environment
source_profile = keys

[profile nosource]
role_arn = arn:aws:iam::111122223333:role/nosource

[profile missing]
role_arn = arn:aws:iam::111122223333:role/missing
source_profile = ghost

[profile self]
role_arn = arn:aws:iam::111122223333:role/self
source_profile = self
aws_access_key_id = AKIAFAKEEXAMPLESELF
aws_secret_access_key = FAKESECRET

[profile selfnokeys]
role_arn = arn:aws:iam::111122223333:role/self
source_profile = selfnokeys

[profile cyc1]
role_arn = arn:aws:iam::111122223333:role/c1
source_profile = cyc2

[profile cyc2]
role_arn = arn:aws:iam::111122223333:role/c2
source_profile = cyc1

[profile proc]
credential_process = /bin/echo hi
region = eu-central-1

[profile onproc]
role_arn = arn:aws:iam::111122223333:role/onproc
source_profile = proc

[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_account_id = 111122223333
sso_role_name = Admin

[profile ssosess]
sso_session = mysess
sso_account_id = 111122223333
sso_role_name = Admin

[profile ssomissing]
sso_session = nosess

[sso-session mysess]
sso_start_url = https://example2.awsapps.com/start
sso_region = us-east-1

[profile empty]

[profile onempty]
role_arn = arn:aws:iam::111122223333:role/onempty
source_profile = empty

[profile svc]
role_arn = arn:aws:iam::111122223333:role/svc
source_profile = keys
services = mysvc
region = eu-west-3

[services mysvc]
sts =
  endpoint_url = https://sts.example.test

[profile dual]
role_arn = arn:aws:iam::111122223333:role/dual
source_profile = role1
use_dualstack_endpoint = true
ignore_configured_endpoint_urls = true

[profile  spaced ]
region=us-west-1
role_arn=arn:aws:iam::111122223333:role/sp
source_profile=keys
unknown_key = x
Region = caps

[profile dup]
region = a
region = b
role_arn = arn:aws:iam::111122223333:role/dup
source_profile = keys

[profile dup]
external_id = again

[profile ünïcode]
role_arn = arn:aws:iam::111122223333:role/ü
source_profile = keys
role_session_name = ü-name
# comment
; other comment
  continuation-looking line
[profile uni]
role_arn = arn:aws:iam::111122223333:role/ü
source_profile = keys
role_session_name = ü-name
region = eu-west-1 # inline
external_id = a;b #c
[profile long]
role_arn = arn:aws:iam::111122223333:role/long
source_profile = long2
[profile long2]
role_arn = arn:aws:iam::111122223333:role/long2
source_profile = long3
[profile long3]
role_arn = arn:aws:iam::111122223333:role/long3
source_profile = long4
[profile long4]
role_arn = arn:aws:iam::111122223333:role/long4
source_profile = long5
[profile long5]
role_arn = arn:aws:iam::111122223333:role/long5
source_profile = role2
region = us-east-1
INI
cat > "$K" <<'INI'
[keys]
aws_access_key_id = AKIAFAKEEXAMPLECRED
aws_secret_access_key = FAKESECRET

[credonly]
aws_access_key_id = AKIAFAKEEXAMPLECRD2
aws_secret_access_key = FAKESECRET
INI
# The refused file: an invalid UTF-8 value and a line without '=' after the whole shapes file.
{ cat "$C"; printf '[profile bad]\nregion = \377\376\nkey without equals\n'; } > "$B"
run() { name=$1; shift; env -i HOME=/nonexistent "$@" > "$OUT/$name" 2>&1 || echo "rc=$?" >> "$OUT/$name"; }
for fmt in json text; do
  run "e1.$fmt" AWS_EC2_METADATA_DISABLED=true "$BIN" chain --config-file "$C" --credentials-file "$K" --all-profiles --output $fmt
  run "e2.$fmt" AWS_REGION=eu-north-1 AWS_ACCESS_KEY_ID=AKIAFAKEEXAMPLEENV1 AWS_SECRET_ACCESS_KEY=FAKE \
    AWS_ROLE_ARN=arn:aws:iam::111122223333:role/irsa AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/t AWS_STS_REGIONAL_ENDPOINTS=regional \
    "$BIN" chain --config-file "$C" --credentials-file "$K" --all-profiles --output $fmt
  run "e3.$fmt" AWS_DEFAULT_REGION=us-gov-west-1 AWS_ROLE_ARN=arn:aws:iam::111122223333:role/irsa \
    AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/t AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/creds AWS_USE_FIPS_ENDPOINT=true \
    "$BIN" chain --config-file "$C" --credentials-file "$K" --all-profiles --output $fmt
  run "e4.$fmt" AWS_EC2_METADATA_DISABLED=true "$BIN" chain --config-file "$C" --credentials-file "$K" --profile role4 --output $fmt
  run "e5.$fmt" AWS_PROFILE=role2 AWS_DEFAULT_PROFILE=keys "$BIN" chain --config-file "$C" --credentials-file "$K" --output $fmt
  run "e6.$fmt" AWS_EC2_METADATA_DISABLED=true "$BIN" chain --config-file "$B" --credentials-file "$K" --all-profiles --output $fmt
done
