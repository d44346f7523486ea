#!/usr/bin/env python3
"""Asks botocore which STS endpoint it uses for a table of settings; writes sts_endpoints.json beside it.

Each row: region (or null), the profile settings, the environment, and botocore's client endpoint_url.
Run: python3 Tests/Data/config/generate_sts_endpoints.py
"""
import json
import os
import tempfile

import botocore
import botocore.session

REGIONS = [None, "us-east-1", "us-west-2", "eu-west-1", "ap-east-1", "me-south-1", "ap-southeast-2",
           "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1", "aws-global"]
VARIANTS = [
    ("plain", {}, {}),
    ("legacy-profile", {"sts_regional_endpoints": "legacy"}, {}),
    ("legacy-env", {}, {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}),
    ("regional-env-over-legacy-profile", {"sts_regional_endpoints": "legacy"}, {"AWS_STS_REGIONAL_ENDPOINTS": "regional"}),
    ("fips-profile", {"use_fips_endpoint": "true"}, {}),
    ("fips-env", {}, {"AWS_USE_FIPS_ENDPOINT": "true"}),
    ("dualstack-env", {}, {"AWS_USE_DUALSTACK_ENDPOINT": "true"}),
    ("fips-dualstack", {"use_fips_endpoint": "true", "use_dualstack_endpoint": "true"}, {}),
    ("legacy-fips", {"sts_regional_endpoints": "legacy", "use_fips_endpoint": "true"}, {}),
]
OVERRIDES = [
    ("env-sts-over-all", {"endpoint_url": "http://profile:1", "services": "s"},
     {"AWS_ENDPOINT_URL_STS": "http://env-sts:1", "AWS_ENDPOINT_URL": "http://env-global:1"}),
    ("services-over-env-global", {"endpoint_url": "http://profile:1", "services": "s"},
     {"AWS_ENDPOINT_URL": "http://env-global:1"}),
    ("env-global-over-profile", {"endpoint_url": "http://profile:1"}, {"AWS_ENDPOINT_URL": "http://env-global:1"}),
    ("profile-endpoint", {"endpoint_url": "http://profile:1"}, {}),
    ("ignored-by-profile", {"endpoint_url": "http://profile:1", "ignore_configured_endpoint_urls": "true"},
     {"AWS_ENDPOINT_URL_STS": "http://env-sts:1"}),
    ("ignored-by-env", {"endpoint_url": "http://profile:1"},
     {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://env-global:1"}),
]


def endpoint(tmp, region, profile, env):
    for k in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[k]
    lines = ["[profile t]"]
    if region:
        lines.append(f"region = {region}")
    lines += [f"{k} = {v}" for k, v in profile.items()]
    lines += ["[services s]", "sts =", "  endpoint_url = http://services-sts:1"]
    path = os.path.join(tmp, "config")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.environ.update({"AWS_CONFIG_FILE": path, "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "none")})
    os.environ.update(env)
    s = botocore.session.Session(profile="t")
    return s.create_client("sts", aws_access_key_id="x", aws_secret_access_key="y").meta.endpoint_url


def main():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for region in REGIONS:
            for name, profile, env in VARIANTS:
                rows.append({"name": f"{region}/{name}", "region": region, "profile": profile, "env": env,
                             "endpoint": endpoint(tmp, region, profile, env)})
        for name, profile, env in OVERRIDES:
            rows.append({"name": name, "region": "eu-west-1", "profile": profile, "env": env,
                         "endpoint": endpoint(tmp, "eu-west-1", profile, env)})
    out = {"generator": "Tests/Data/config/generate_sts_endpoints.py", "botocore": botocore.__version__,
           "services": {"s": {"sts": {"endpoint_url": "http://services-sts:1"}}}, "rows": rows}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sts_endpoints.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {len(rows)} rows")


if __name__ == "__main__":
    main()
