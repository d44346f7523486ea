#!/usr/bin/env python3
"""Runs botocore over a hand-written corpus of shared config cases and writes what it resolves.

Output: botocore_chains.json next to this script. For every case it records the inputs (config and
credentials text, environment, --profile) and botocore's answer: the parsed profiles, the credential chain
(base first; nothing is fetched: the deferred credential objects are inspected, credential_process and
container/IMDS providers are stubbed), the region and the STS endpoint, or the exception class it raised.

Cases where rolehop deliberately follows the cross-SDK rules instead of botocore carry `differs` (why) and
`rolehop` (what rolehop must do instead, written by hand from the shared-config rules, not from rolehop).

Run: python3 Tests/Data/config/generate_botocore_chains.py   (botocore from pip)
"""
import json
import os
import sys
import tempfile

import botocore
import botocore.credentials as bc
import botocore.session

REF_CONFIG = """[profile account_b_role]
source_profile = account_a_role
role_arn=arn:aws:iam::444455556666:role/account-b-role
[profile account_a_role]
web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
role_arn=arn:aws:iam::111122223333:role/account-a-role
"""

KEYS = "aws_access_key_id = AKIAFAKEEXAMPLEKEY01\naws_secret_access_key = FAKESECRETEXAMPLE\n"

# name, config, credentials, env, profile flag, extra fields
CASES = [
    dict(name="reference-scenario", config=REF_CONFIG, env={"AWS_PROFILE": "account_b_role", "AWS_REGION": "eu-west-1",
                                                            "AWS_DEFAULT_REGION": "eu-west-1"}),
    dict(name="reference-scenario-flag", config=REF_CONFIG, profile="account_b_role",
         env={"AWS_DEFAULT_REGION": "eu-west-1"}),
    dict(name="reference-source-alone", config=REF_CONFIG, profile="account_a_role"),
    dict(name="static-keys-credentials-default", credentials="[default]\n" + KEYS),
    dict(name="static-keys-config-default", config="[default]\n" + KEYS + "region = us-west-2\n"),
    dict(name="profile-default-prefixed", config="[profile default]\n" + KEYS),
    dict(name="default-and-profile-default", profile="default",
         config="[profile default]\nrole_arn = arn:aws:iam::111122223333:role/from-prefixed\nsource_profile = base\n"
                "[default]\nrole_arn = arn:aws:iam::111122223333:role/from-bare\nsource_profile = base\n"
                "[profile base]\n" + KEYS,
         differs="botocore keeps whichever of [default]/[profile default] comes last; the shared rules use [profile default]",
         rolehop={"roleArns": ["arn:aws:iam::111122223333:role/from-prefixed"]}),
    dict(name="inline-comment-in-value", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/r1 # the role\nsource_profile = b\n[profile b]\n" + KEYS,
         differs="botocore keeps ' # the role' in the value; the shared rules drop an inline comment after whitespace",
         rolehop={"roleArns": ["arn:aws:iam::111122223333:role/r1"]}),
    dict(name="adjacent-hash-kept", profile="a",
         config="[profile a]\nrole_session_name = s#1\nrole_arn = arn:aws:iam::111122223333:role/r1\nsource_profile = a\n" + KEYS),
    dict(name="comment-lines", profile="a",
         config="# comment\n; other comment\n[profile a]\n# inside\n" + KEYS + "; trailing\n"),
    dict(name="header-trailing-comment", profile="a", config="[profile a] # comment\n" + KEYS),
    dict(name="duplicate-sections", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/r1\n[profile a]\nsource_profile = b\n[profile b]\n" + KEYS,
         differs="botocore refuses the file (DuplicateSectionError); the shared rules merge the sections",
         rolehop={"roleArns": ["arn:aws:iam::111122223333:role/r1"]}),
    dict(name="duplicate-keys", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/first\nrole_arn = arn:aws:iam::111122223333:role/second\n"
                "source_profile = b\n[profile b]\n" + KEYS,
         differs="botocore refuses the file (DuplicateOptionError); the shared rules keep the last value",
         rolehop={"roleArns": ["arn:aws:iam::111122223333:role/second"]}),
    dict(name="key-case-insensitive", profile="a",
         config="[profile a]\nROLE_ARN = arn:aws:iam::111122223333:role/r1\nSource_Profile = b\n[profile b]\n" + KEYS),
    dict(name="colon-delimiter", profile="a",
         config="[profile a]\nrole_arn : arn:aws:iam::111122223333:role/r1\nsource_profile = b\n[profile b]\n" + KEYS,
         differs="botocore accepts `key : value`; the shared rules refuse the file",
         rolehop={"error": True}),
    dict(name="continuation-line", profile="a",
         config="[profile a]\ncredential_process = /usr/bin/fetch-creds\n  --profile-arg a\n"),
    dict(name="sub-properties", profile="a",
         config="[profile a]\n" + KEYS + "s3 =\n  addressing_style = path\n  signature_version = s3v4\n"),
    dict(name="services-sts-endpoint", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/r1\nsource_profile = b\nservices = local\nregion = eu-west-1\n"
                "[services local]\nsts =\n  endpoint_url = http://127.0.0.1:5000\n[profile b]\n" + KEYS),
    dict(name="profile-prefix-in-credentials", profile="x", credentials="[profile x]\n" + KEYS),
    dict(name="bare-section-in-config", profile="x", config="[x]\n" + KEYS),
    dict(name="header-inner-whitespace", profile="foo", config="[  profile   foo  ]\n" + KEYS,
         differs="botocore compares the untrimmed section name and loses the profile; the shared rules trim it",
         rolehop={"kinds": ["accessKey"]}),
    dict(name="credentials-override-config", profile="a",
         config="[profile a]\naws_access_key_id = AKIAFAKEEXAMPLECONF1\naws_secret_access_key = CONFIGFAKE\nregion = eu-west-1\n",
         credentials="[a]\naws_access_key_id = AKIAFAKEEXAMPLECRED2\naws_secret_access_key = CREDFAKE\n"),
    dict(name="crlf-line-endings", profile="a",
         config="[profile a]\r\nrole_arn = arn:aws:iam::111122223333:role/r1\r\nsource_profile = b\r\n[profile b]\r\n"
                + KEYS.replace("\n", "\r\n")),
    dict(name="property-before-section", config="region = eu-west-1\n[default]\n" + KEYS),
    dict(name="unterminated-section", config="[profile a\n" + KEYS, profile="a"),
    dict(name="line-without-equals", config="[profile a]\n" + KEYS + "this line is wrong\n", profile="a"),
    dict(name="static-role-self-source", profile="a",
         config="[profile a]\n" + KEYS + "role_arn = arn:aws:iam::111122223333:role/r1\nsource_profile = a\n"),
    dict(name="static-role-self-source-as-source", profile="top",
         config="[profile top]\nrole_arn = arn:aws:iam::111122223333:role/top\nsource_profile = a\n"
                "[profile a]\n" + KEYS + "role_arn = arn:aws:iam::111122223333:role/r1\nsource_profile = a\n"),
    dict(name="source-and-credential-source", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/r1\nsource_profile = b\ncredential_source = Environment\n"
                "[profile b]\n" + KEYS),
    dict(name="web-identity-three-hops", profile="c", env={"AWS_DEFAULT_REGION": "us-west-2"},
         config="[profile c]\nrole_arn = arn:aws:iam::777788889999:role/c\nsource_profile = b\n" + REF_CONFIG.replace(
             "account_b_role", "b").replace("account_a_role", "a")),
    dict(name="cycle-two", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n"
                "[profile b]\nrole_arn = arn:aws:iam::111122223333:role/b\nsource_profile = a\n",
         rolehop={"cyclePath": "a -> b -> a"}),
    dict(name="cycle-three", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n"
                "[profile b]\nrole_arn = arn:aws:iam::111122223333:role/b\nsource_profile = c\n"
                "[profile c]\nrole_arn = arn:aws:iam::111122223333:role/c\nsource_profile = a\n",
         rolehop={"cyclePath": "a -> b -> c -> a"}),
    dict(name="self-cycle-without-keys", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = a\n",
         rolehop={"cyclePath": "a -> a"}),
    dict(name="missing-source-profile", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = nowhere\n"),
    dict(name="missing-profile", profile="nowhere", config="[profile a]\n" + KEYS),
    dict(name="profile-without-credentials", profile="a", config="[profile a]\nregion = eu-west-1\n"),
    dict(name="source-profile-without-credentials", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n[profile b]\nregion = eu-west-1\n"),
    dict(name="invalid-credential-source", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\ncredential_source = environment\n"),
    dict(name="credential-source-environment", profile="a",
         env={"AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "ENVFAKE"},
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\ncredential_source = Environment\n"),
    dict(name="credential-source-ec2", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\ncredential_source = Ec2InstanceMetadata\n"),
    dict(name="session-name-invalid", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nrole_session_name = my session\nsource_profile = b\n"
                "[profile b]\n" + KEYS,
         differs="botocore passes the name to STS, which rejects it; rolehop reports it before any call",
         rolehop={"finding": "chain.session-name-invalid"}),
    dict(name="duration-over-chaining-limit", profile="b", env={"AWS_DEFAULT_REGION": "eu-west-1"},
         config=REF_CONFIG.replace("account_b_role", "b").replace("account_a_role", "a")
         .replace("source_profile = a\n", "source_profile = a\nduration_seconds = 7200\n"),
         differs="botocore sends DurationSeconds=7200 and STS rejects the chained call; rolehop reports it first",
         rolehop={"finding": "chain.duration-over-chaining-limit"}),
    dict(name="duration-not-a-number", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nduration_seconds = 1h\nsource_profile = b\n[profile b]\n" + KEYS),
    dict(name="hop-settings", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nrole_session_name = rolehop-test\n"
                "external_id = EXAMPLE-EXTERNAL-ID\nmfa_serial = arn:aws:iam::111122223333:mfa/tester\n"
                "duration_seconds = 1800\nsource_profile = b\n[profile b]\n" + KEYS),
    dict(name="credential-process-source", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = p\n"
                "[profile p]\ncredential_process = /usr/local/bin/get-fake-creds\n"),
    dict(name="sso-session-profile", profile="s",
         config="[profile s]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
                "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n"),
    dict(name="env-keys-only", env={"AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "ENVFAKE"}),
    dict(name="env-keys-shadow-irsa",
         env={"AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "ENVFAKE",
              "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa",
              "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
         rolehop={"finding": "chain.env-keys-shadow"}),
    dict(name="irsa-env-only", env={"AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa",
                                    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                                    "AWS_ROLE_SESSION_NAME": "pod-session", "AWS_DEFAULT_REGION": "eu-west-1"}),
    dict(name="aws-profile-with-env-keys", config=REF_CONFIG,
         env={"AWS_PROFILE": "account_b_role", "AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "ENVFAKE"}),
    dict(name="profile-flag-ignores-env-keys", config=REF_CONFIG, profile="account_b_role",
         env={"AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "ENVFAKE"}),
    dict(name="static-profile-and-irsa-env", credentials="[dev]\n" + KEYS,
         env={"AWS_PROFILE": "dev", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa",
              "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
         differs="botocore (and Java 2.x) use the IRSA variables before a profile's static keys; Rust and Go use "
                 "the profile; rolehop shows the profile and a warning that the SDKs disagree",
         rolehop={"kinds": ["accessKey"], "finding": "chain.profile-shadows-web-identity"}),
    dict(name="role-profile-and-irsa-env", config=REF_CONFIG,
         env={"AWS_PROFILE": "account_b_role", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa",
              "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}),
    dict(name="container-full-uri", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                                         "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"}),
    dict(name="nothing-configured"),
    dict(name="source-region-not-inherited", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n[profile b]\n" + KEYS + "region = eu-west-1\n",
         rolehop={"finding": "chain.region-missing"}),
    dict(name="sts-legacy-us-east-1", profile="a",
         config="[profile a]\nregion = us-east-1\nsts_regional_endpoints = legacy\nrole_arn = arn:aws:iam::111122223333:role/a\n"
                "source_profile = b\n[profile b]\n" + KEYS),
    dict(name="sts-legacy-env-non-legacy-region", profile="a", env={"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
         config="[profile a]\nregion = ap-east-1\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n[profile b]\n" + KEYS),
    dict(name="endpoint-url-sts-env", profile="a", env={"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4566",
                                                        "AWS_ENDPOINT_URL": "http://127.0.0.1:9999"},
         config="[profile a]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:7777\nrole_arn = arn:aws:iam::111122223333:role/a\n"
                "source_profile = b\n[profile b]\n" + KEYS),
    dict(name="endpoint-url-profile", profile="a",
         config="[profile a]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:7777\nrole_arn = arn:aws:iam::111122223333:role/a\n"
                "source_profile = b\n[profile b]\n" + KEYS),
    dict(name="endpoint-url-ignored", profile="a", env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9999"},
         config="[profile a]\nregion = eu-west-1\nignore_configured_endpoint_urls = true\nrole_arn = arn:aws:iam::111122223333:role/a\n"
                "source_profile = b\n[profile b]\n" + KEYS),
    dict(name="fips-endpoint", profile="a",
         config="[profile a]\nregion = us-east-2\nuse_fips_endpoint = true\nrole_arn = arn:aws:iam::111122223333:role/a\n"
                "source_profile = b\n[profile b]\n" + KEYS),
    dict(name="dualstack-china", profile="a", env={"AWS_USE_DUALSTACK_ENDPOINT": "true"},
         config="[profile a]\nregion = cn-north-1\nrole_arn = arn:aws-cn:iam::111122223333:role/a\nsource_profile = b\n[profile b]\n" + KEYS),
    dict(name="govcloud-fips", profile="a", env={"AWS_USE_FIPS_ENDPOINT": "true"},
         config="[profile a]\nregion = us-gov-west-1\nrole_arn = arn:aws-us-gov:iam::111122223333:role/a\nsource_profile = b\n[profile b]\n" + KEYS),
    dict(name="web-identity-with-source-profile", profile="a",
         config="[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nweb_identity_token_file = /tmp/token\nsource_profile = b\n"
                "[profile b]\n" + KEYS,
         rolehop={"finding": "chain.web-identity-ignores-source"}),
    dict(name="partial-static-keys", profile="a", config="[profile a]\naws_access_key_id = AKIAFAKEEXAMPLEKEY01\n"),
    dict(name="static-and-role-without-source", profile="a",
         config="[profile a]\n" + KEYS + "role_arn = arn:aws:iam::111122223333:role/a\n"),
    dict(name="credentials-and-config-merge", profile="a",
         config="[profile a]\nregion = sa-east-1\n", credentials="[a]\n" + KEYS),
    dict(name="long-chain", profile="p5",
         config="".join(f"[profile p{i}]\nrole_arn = arn:aws:iam::111122223333:role/r{i}\nsource_profile = p{i-1}\n" for i in range(5, 0, -1))
                + "[profile p0]\n" + KEYS + "region = eu-central-1\n",
         env={"AWS_DEFAULT_REGION": "eu-central-1"}),
]


class Marker(bc.Credentials):
    """Credentials standing for a provider that would need the network or a process."""


def run_case(case, tmp):
    env_keep = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    os.environ.clear()
    os.environ.update(env_keep)
    home = os.path.join(tmp, case["name"])
    os.makedirs(os.path.join(home, ".aws"), exist_ok=True)
    os.environ["HOME"] = home
    cfg = os.path.join(home, ".aws", "config")
    cred = os.path.join(home, ".aws", "credentials")
    for path, text in ((cfg, case.get("config")), (cred, case.get("credentials"))):
        if text is not None:
            with open(path, "w", newline="") as f:
                f.write(text)
        elif os.path.exists(path):
            os.remove(path)
    os.environ["AWS_CONFIG_FILE"] = cfg
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = cred
    env = {"AWS_EC2_METADATA_DISABLED": "true"}
    env.update(case.get("env", {}))
    os.environ.update(env)

    out = {}
    session = botocore.session.Session(profile=case.get("profile"))
    try:
        out["profiles"] = {name: {k: v for k, v in p.items() if not isinstance(v, dict)}
                           for name, p in session.full_config["profiles"].items()}
    except Exception as e:  # noqa: BLE001 (the class name is the answer)
        out["error"] = type(e).__name__
        out["message"] = str(e)
        return out
    try:
        creds = session.get_component("credential_provider").load_credentials()
    except Exception as e:  # noqa: BLE001
        out["error"] = type(e).__name__
        out["message"] = str(e)
        return out
    if creds is None:
        out["error"] = "NoCredentials"
        return out
    out["method"] = creds.method
    out["chain"] = describe(creds)
    out["region"] = session.get_config_variable("region")
    try:
        out["stsEndpoint"] = session.create_client("sts", aws_access_key_id="x", aws_secret_access_key="y").meta.endpoint_url
    except Exception as e:  # noqa: BLE001
        out["stsEndpoint"] = "error: " + type(e).__name__
    return out


def mask(key_id):
    return "****" + key_id[-4:]


def describe(creds):
    if isinstance(creds, Marker):
        return [dict(creds.step)]
    if isinstance(creds, bc.DeferredRefreshableCredentials):
        refresh = creds._refresh_using
        fetcher = getattr(refresh, "__self__", None)
        if fetcher is None and hasattr(refresh, "_refresh"):  # the MFA wrapper around fetch_credentials
            fetcher = getattr(refresh._refresh, "__self__", None)
        if isinstance(fetcher, bc.AssumeRoleWithWebIdentityCredentialFetcher):
            step = {"kind": "webIdentity", "roleArn": fetcher._role_arn,
                    "webIdentityTokenFile": fetcher._web_identity_token_loader._web_identity_token_path}
            name = fetcher._assume_kwargs.get("RoleSessionName", "")
            if name and not name.startswith("botocore-session-"):
                step["roleSessionName"] = name
            return [step]
        if isinstance(fetcher, bc.AssumeRoleCredentialFetcher):
            step = {"kind": "assumeRole", "roleArn": fetcher._role_arn}
            kw = fetcher._assume_kwargs
            for src, dst in (("RoleSessionName", "roleSessionName"), ("ExternalId", "externalId"),
                             ("SerialNumber", "mfaSerial"), ("DurationSeconds", "durationSeconds")):
                if src in kw:
                    step[dst] = kw[src]
            if "roleSessionName" in step and step["roleSessionName"].startswith("botocore-session-"):
                del step["roleSessionName"]
            return describe(fetcher._source_credentials) + [step]
        if isinstance(fetcher, bc.SSOCredentialFetcher):
            return [{"kind": "sso", "ssoAccountId": fetcher._account_id, "ssoRoleName": fetcher._role_name}]
        return [{"kind": "unknown", "class": type(fetcher).__name__}]
    return [{"kind": "accessKey", "accessKeyId": mask(creds.access_key)}]


def install_stubs():
    """Providers that would fetch or run something return a Marker instead."""
    def sourcer(self, source_name):
        if not self.is_supported(source_name):
            return None
        m = Marker("stub", "stub", method="namedSource")
        m.step = {"kind": "namedSource", "credentialSource": source_name}
        return m
    bc.CanonicalNameCredentialSourcer.source_credentials = sourcer

    def process_load(self):
        cmd = self.profile_config.get("credential_process")
        if not cmd:
            return None
        m = Marker("stub", "stub", method="custom-process")
        m.step = {"kind": "process", "credentialProcess": cmd}
        return m
    bc.ProcessProvider.load = process_load

    def container_load(self):
        if self.ENV_VAR in self._environ or self.ENV_VAR_FULL in self._environ:
            m = Marker("stub", "stub", method="container-role")
            m.step = {"kind": "container"}
            return m
        return None
    bc.ContainerProvider.load = container_load


def main():
    install_stubs()
    out = {"generator": "Tests/Data/config/generate_botocore_chains.py", "botocore": botocore.__version__, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            entry = {"name": case["name"], "config": case.get("config"), "credentials": case.get("credentials"),
                     "env": case.get("env", {}), "profile": case.get("profile")}
            entry["botocore"] = run_case(case, tmp)
            if "differs" in case:
                entry["differs"] = case["differs"]
            if "rolehop" in case:
                entry["rolehop"] = case["rolehop"]
            out["cases"].append(entry)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "botocore_chains.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    print(f"wrote {len(out['cases'])} cases to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
